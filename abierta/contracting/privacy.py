"""Which contractors' document numbers the platform republishes.

SECOP publishes every contractor's document. A company's NIT identifies a legal person and stays
public. A natural person's document (cédula de ciudadanía or de extranjería, tarjeta de identidad,
passport, PEP/PPT, and the NIT of a natural person, which is the cédula with a check digit) is
personal data, and on this platform it is also what a citizen types to vote: the contracts keep it
for staff, and no public channel (pages, search, API, open data, OCDS, OC4IDS) shows it or answers
a query by it. docs/decisions/0020-platform-hardening.md explains the rule.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Document types of legal persons, normalised by ``_type_key`` (the mis-decoded "Jur�dica" of old
# SECOP I feeds loses its accented letter). Colombian NITs are also checked by their shape.
_COLOMBIAN_NIT_TYPES = frozenset({"nit", "conit", "nitdepersonajuridica", "nitdepersonajurdica"})
_FOREIGN_NIT_TYPES = frozenset({"nitdeotropais", "nitdeotropas", "conitext"})
# A legal person's NIT has 9 digits and starts with 8 or 9 (10 with the check digit written
# without its dash); a natural person's NIT is their cédula: up to 8 digits, or 10 starting with 1.
_LEGAL_NIT = re.compile(r"^[89]\d{8}\d?$")

WITHHELD_PARTY_ID = "persona-natural-{n}"


def _type_key(doc_type: str) -> str:
    text = unicodedata.normalize("NFKD", doc_type).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _nit_number(doc: str) -> str:
    """The NIT without dots, spaces or its check digit: "890.480.184-1" -> "890480184"."""
    return re.sub(r"[.\s]", "", doc).split("-")[0]


def document_is_public(doc_type: str | None, doc: str | None) -> bool:
    """True when the document identifies a legal person (a company's NIT), which may be published.

    Any other type, an unknown or empty one included, is treated as a natural person's.
    """
    key = _type_key(doc_type or "")
    if key in _FOREIGN_NIT_TYPES:
        return True
    return key in _COLOMBIAN_NIT_TYPES and bool(_LEGAL_NIT.match(_nit_number(doc or "")))


def public_document(doc_type: str | None, doc: str | None) -> str:
    """``doc`` when it may be published, else an empty string."""
    return (doc or "") if doc and document_is_public(doc_type, doc) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _organization_references(release: dict[str, Any]) -> list[dict[str, Any]]:
    """The organization references of a release (OCDS 1.1: buyer, procuring entity, tenderers,
    award suppliers, payers and payees)."""
    tender = _dict(release.get("tender"))
    refs = [_dict(release.get("buyer")), _dict(tender.get("procuringEntity")), *_dicts(tender.get("tenderers"))]
    for award in _dicts(release.get("awards")):
        refs.extend(_dicts(award.get("suppliers")))
    for contract in _dicts(release.get("contracts")):
        for tx in _dicts(_dict(contract.get("implementation")).get("transactions")):
            refs.extend((_dict(tx.get("payer")), _dict(tx.get("payee"))))
    return [r for r in refs if "id" in r]


# Words of the document types of natural persons (normalised by ``_type_key``), for the additional
# identifiers of a party that is otherwise a company.
_PERSONAL_TYPE_WORDS = ("cedula", "ciudadan", "extranjer", "tarjeta", "pasaporte", "permiso", "natural")
_PERSONAL_SCHEMES = re.compile(r"^co(cc|ce|ti|pa|pas|pep|ppt|die)$")


def _is_personal(scheme: Any) -> bool:
    key = _type_key(str(scheme or ""))
    return bool(_PERSONAL_SCHEMES.match(key)) or any(word in key for word in _PERSONAL_TYPE_WORDS)


def _withheld_number(doc_type: Any, number: Any) -> str | None:
    if number in (None, "") or not isinstance(number, str | int):
        return None
    return None if document_is_public(str(doc_type or ""), str(number)) else str(number)


def withhold_personal_documents(release: dict[str, Any], renamed: dict[str, str] | None = None) -> bool:
    """Remove natural persons' document numbers from an OCDS release, in place; True if any was.

    For each party whose identifier is a natural person's document: the identifier's ``id``, the
    additional identifiers, the street address and the contact point go; the party's
    ``id`` (often built from the number, or a hash of it) becomes ``persona-natural-<n>``, and every
    organization reference to it follows. The name, the scheme and the roles stay. A company keeps
    everything but an additional identifier that is a person's document.

    ``renamed`` (old party id → ``persona-natural-<n>``) is read and filled: given the map filled by a
    contract's compiled release, each of its releases gets the same new ids, and a party known from
    the compiled release as a natural person is withheld, and its references renamed, in a release
    that does not say who it is.
    """
    raw_parties = release.get("parties")
    parties = [p for p in raw_parties if isinstance(p, dict)] if isinstance(raw_parties, list) else []
    known: dict[str, str] = {} if renamed is None else renamed
    changed = False
    for party in parties:
        identifier = _dict(party.get("identifier"))
        doc_type = _dict(party.get("details")).get("documentType") or identifier.get("scheme")
        extra = _dicts(party.get("additionalIdentifiers"))
        known_person = "id" in party and str(party["id"]) in known
        if _withheld_number(doc_type, identifier.get("id")) is None and not known_person:
            # A company: only an additional identifier that is a person's document goes.
            kept = [o for o in extra if not (_is_personal(o.get("scheme")) and o.get("id") not in (None, ""))]
            if len(kept) != len(extra):
                party["additionalIdentifiers"] = kept
                changed = True
            continue
        changed = True
        identifier.pop("id", None)
        # A natural person's other identifiers, home address and contact go too.
        party.pop("additionalIdentifiers", None)
        party.pop("contactPoint", None)
        address = party.get("address")
        if isinstance(address, dict):
            for key in ("streetAddress", "postalCode"):
                address.pop(key, None)
        if "id" in party:
            old_id = str(party["id"])
            new_id = known.get(old_id) or WITHHELD_PARTY_ID.format(n=len(known) + 1)
            known[old_id] = new_id
            party["id"] = new_id
    if known:
        for ref in _organization_references(release):
            if str(ref["id"]) in known:
                ref["id"] = known[str(ref["id"])]
                changed = True
    return changed
