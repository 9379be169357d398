"""The disclosure app's models, one module per part (so that each part can be read alone).

- catalogue.py: organisations with their codes, the subject classification list, the index-number
  serials and the catalogue entry of every disclosed item (DISC-2, RES-7, PUB-10).
- lists.py: the lists of the published catalogue and policy library, kept by the publisher.
- requests.py: applications for disclosure, their steps and the answers' attachments (DISC-3).
"""

from disclosure.models.catalogue import CatalogueEntry, IndexSerial, Organisation, SubjectCategory
from disclosure.models.lists import ListEntry, ListFacet
from disclosure.models.requests import (
    AnswerForm,
    ApplicantKind,
    InformationRequest,
    RequestAttachment,
    RequestOutcome,
    RequestStatus,
    RequestStep,
    StepKind,
)

__all__ = [
    "AnswerForm",
    "ApplicantKind",
    "CatalogueEntry",
    "IndexSerial",
    "InformationRequest",
    "ListEntry",
    "ListFacet",
    "Organisation",
    "RequestAttachment",
    "RequestOutcome",
    "RequestStatus",
    "RequestStep",
    "StepKind",
    "SubjectCategory",
]
