"""Collection comparison across the region's member libraries (`compare`); Flask-free, used by
`lantern collections` and the staff console."""
