"""Full text through the reader's own library: its link resolver or DOI link (config, openurl)
and e-journal coverage in words (coverage)."""
