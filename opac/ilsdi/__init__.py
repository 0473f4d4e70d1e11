"""ILS-DI GetAvailability at /ilsdi and its JSON twin at /api/v1/availability."""
