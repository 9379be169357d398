"""The disclosure app's models, one module per part (so that each part can be read alone).

- catalogue.py: organisations with their codes, the subject classification list, the index-number
  serials and the catalogue entry of every disclosed item (DISC-2, RES-7, PUB-10).
"""

from disclosure.models.catalogue import CatalogueEntry, IndexSerial, Organisation, SubjectCategory

__all__ = ["CatalogueEntry", "IndexSerial", "Organisation", "SubjectCategory"]
