"""Text that is safe in XML 1.0, whatever the source records held (for MARC see
`indexer.marc.from_document`)."""

from __future__ import annotations

import re

# Everything XML 1.0 forbids: C0 controls except tab/LF/CR, lone surrogates (left by a bad
# decode), U+FFFE and U+FFFF. Real MARC records carry such bytes (stray ESC, 0x1A, NUL).
XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return XML_FORBIDDEN.sub("", text)


def escape(text: str) -> str:
    """Character data or an attribute value (double-quoted), escaped; does not strip."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text
