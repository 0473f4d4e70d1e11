"""Browse pages: a library's shelf in call-number order, and authors and subjects A to Z."""
