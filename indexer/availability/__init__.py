"""Live availability: asking the member libraries' own systems how their copies are now.

model       what a connector answers: a copy's status and when it was read
config      a library's [library.availability] table in the libraries file
connectors  the connector interface, the built-in kinds and the entry point for a region's own
koha        Koha's ILS-DI GetRecords (every item with its barcode, due date and flags)
ilsdi       DLF ILS-DI GetAvailability (any system serving the standard, Lantern's own /ilsdi)
daia        DAIA, the Document Availability Information API (JSON)
sip2        SIP2 Item Information (17/18) over TCP or TLS, per item (sip2_session: the socket)
live        asking many libraries at once: a timeout and a circuit breaker each, a shared cache
"""
