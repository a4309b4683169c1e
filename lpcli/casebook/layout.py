"""Where things are in a casebook: the names every part of lpcli agrees on."""

SETTINGS_FILE = "lpcli.yaml"
PRACTITIONERS_FILE = "practitioners.yaml"
CASES_DIR = "cases"
TEMPLATES_DIR = "templates"    # the casebook's own document templates and logo, if any
CATALOGUES_DIR = "catalogues"  # the casebook's own words for documents (issue 16), if any
DOCUMENTS_DIR = "documents"    # rendered documents; ignored by git
