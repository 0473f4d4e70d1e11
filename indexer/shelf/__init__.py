"""The shelf: call numbers as they sort on a library's shelves (callnumber)."""
