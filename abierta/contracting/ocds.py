"""OCDS compiled releases: merging releases, repairing what the schema refuses, and the Contract columns.

``merge_release`` follows the OCDS 1.1 merge rules
(https://standard.open-contracting.org/1.1/en/schema/merging/) on plain dicts, in place, without the
flatten/unflatten round trip of the reference implementation (``ocdsmerge``), which the tests use as
their oracle. ``contract_columns`` turns any compiled release (built from a SECOP II row or read from
an OCDS publisher) into the searchable columns of :class:`abierta.contracting.models.Contract`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from abierta.contracting.ocds_rules import CLOSED_CODELISTS, DATE_TIME_FIELDS, OMIT_WHEN_MERGED, WHOLE_LIST_MERGE
from abierta.contracting.text import search_document

Release = dict[str, Any]

# The merge rules as a tree: {key: subtree}, with the rule of a path under the key "" of its node.
_OMIT = "omit"
_WHOLE = "whole"


def _rule_tree() -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for paths, rule in ((OMIT_WHEN_MERGED, _OMIT), (WHOLE_LIST_MERGE, _WHOLE)):
        for path in paths:
            node = tree
            for part in path:
                node = node.setdefault(part, {})
            node[""] = rule
    return tree


_RULES = _rule_tree()
_NO_RULES: dict[str, Any] = {}


def _id_key(value: Any) -> str:
    # ocdsmerge compares ids as strings: 1 and "1" are the same object.
    return str(value)


def _merge_object(target: dict[str, Any], source: dict[str, Any], rules: dict[str, Any], skip_id: bool = False) -> bool:
    """Merge ``source`` into ``target``; return whether a value (even null) was set at any depth."""
    wrote = False
    for key, value in source.items():
        if skip_id and key == "id":
            continue
        sub = rules.get(key) if rules else None
        if sub is None:
            sub = _NO_RULES
        else:
            rule = sub.get("")
            if rule is _OMIT:
                continue
            if rule is _WHOLE:
                if value is None:
                    target.pop(key, None)
                else:
                    target[key] = value
                wrote = True
                continue
        kind = type(value)
        if kind is dict:
            if not value:
                continue
            existing = target.get(key)
            if type(existing) is dict:
                if _merge_object(existing, value, sub):
                    wrote = True
            else:
                node: dict[str, Any] = {}
                if _merge_object(node, value, sub):
                    target[key] = node
                    wrote = True
        elif kind is list:
            if not value:
                continue
            if any(type(item) is not dict for item in value):
                target[key] = value
                wrote = True
                continue
            existing_list = target.get(key)
            if type(existing_list) is list:
                if _merge_array(existing_list, value, sub):
                    wrote = True
            else:
                items: list[Any] = []
                if _merge_array(items, value, sub):
                    target[key] = items
                    wrote = True
        elif value is None:
            target.pop(key, None)
            wrote = True
        else:
            target[key] = value
            wrote = True
    return wrote


def _merge_array(target: list[Any], source: list[dict[str, Any]], rules: dict[str, Any]) -> bool:
    """Identifier merge: objects with the same ``id`` are merged, others appended (in order)."""
    wrote = False
    index = {str(item["id"]): item for item in target if type(item) is dict and "id" in item}
    for value in source:
        if not value:
            continue
        if "id" in value:
            identifier = value["id"]
            key = str(identifier)  # ocdsmerge compares ids as strings: 1 and "1" are the same object
            existing = index.get(key)
            if existing is not None:
                # The first id seen stays (as in ocdsmerge); the other fields are merged.
                if _merge_object(existing, value, rules, True):
                    wrote = True
                continue
            node: dict[str, Any] = {"id": identifier} if identifier is not None else {}
            _merge_object(node, value, rules, True)
            index[key] = node
            target.append(node)
            wrote = True
        else:
            node = {}
            if _merge_object(node, value, rules):
                target.append(node)
                wrote = True
    return wrote


def release_sort_key(release: Release) -> str:
    date = release.get("date")
    return date if isinstance(date, str) else ""


def merge_release(compiled: Release, release: Release) -> Release:
    """Merge one release into a compiled release (in place) and return it."""
    _merge_object(compiled, release, _RULES)
    ocid, date = release.get("ocid"), release.get("date")
    compiled["id"] = f"{ocid}-{date}"
    compiled["date"] = date
    compiled["ocid"] = ocid
    compiled["tag"] = ["compiled"]
    return compiled


def compile_releases(releases: Iterable[Release], compiled: Release | None = None) -> Release:
    """The compiled release of ``releases`` (sorted by date; stable), merged onto ``compiled`` if given."""
    result: Release = compiled if compiled is not None else {"tag": ["compiled"]}
    ordered = list(releases)
    if len(ordered) > 1:
        ordered.sort(key=release_sort_key)
    for release in ordered:
        merge_release(result, release)
    return result


# --- Repair: what real publishers send that the schema refuses -----------------------------------

_CLOSED_TREE: dict[str, Any] = {}
for _path, _codes in CLOSED_CODELISTS.items():
    _node = _CLOSED_TREE
    for _part in _path[:-1]:
        _node = _node.setdefault(_part, {})
    _node.setdefault("", {})[_path[-1]] = _codes
_DATE_TREE: dict[str, Any] = {}
for _path in DATE_TIME_FIELDS:
    _node = _DATE_TREE
    for _part in _path[:-1]:
        _node = _node.setdefault(_part, {})
    _node.setdefault("", set()).add(_path[-1])

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)
# Colombia has no daylight saving time: a date-time without offset is read as local time.
COLOMBIA_OFFSET = "-05:00"


def fix_date_time(value: Any) -> str | None:
    """An RFC 3339 date-time for ``value``, or None when it cannot be read as one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _RFC3339.match(text):
        return text
    try:
        parsed = datetime.datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.isoformat(timespec="seconds") + COLOMBIA_OFFSET
    return parsed.isoformat(timespec="seconds")


def repair_release(release: Release) -> Release:
    """Make a compiled release valid against OCDS 1.1.5 without losing what the publisher said.

    A value outside a closed codelist moves to ``<field>Details`` (as OCDS 1.1 does for
    ``tender.statusDetails``); a date-time without offset gets Colombia's (-05:00); one that cannot be
    read is dropped.
    """
    _repair(release, _CLOSED_TREE, _DATE_TREE)
    return release


def repair_release_moved(release: Release) -> bool:
    """Repair ``release`` in place (as :func:`repair_release`); say whether a value outside a closed
    codelist was moved to ``<field>Details``: merging a newer release onto that repaired release
    would not give what repairing the merge of all of them gives (date-time repairs would)."""
    return _repair(release, _CLOSED_TREE, _DATE_TREE)


def _repair(node: Any, closed: dict[str, Any], dates: dict[str, Any]) -> bool:
    changed = False
    if isinstance(node, list):
        for item in node:
            if _repair(item, closed, dates):
                changed = True
        return changed
    if not isinstance(node, dict):
        return False
    for field, codes in (closed.get("") or {}).items():
        value = node.get(field)
        if value is not None and value not in codes:
            node.pop(field)
            node.setdefault(f"{field}Details", value)
            changed = True
    for field in dates.get("") or ():
        if field in node and node[field] is not None:
            fixed = fix_date_time(node[field])
            if fixed is None:
                node.pop(field)
            else:
                node[field] = fixed
    for key, value in node.items():
        if isinstance(value, dict | list):
            sub_closed = closed.get(key)
            sub_dates = dates.get(key)
            if (sub_closed or sub_dates) and _repair(value, sub_closed or {}, sub_dates or {}):
                changed = True
    return changed


# --- Hash and columns ---------------------------------------------------------------------------


def canonical_json(release: Release) -> str:
    return json.dumps(release, sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False)


def release_hash(release: Release) -> str:
    return hashlib.sha256(canonical_json(release).encode()).hexdigest()


def _amount(value: Any) -> Decimal | None:
    if not isinstance(value, dict):
        return None
    amount = value.get("amount")
    if amount is None or isinstance(amount, bool):
        return None
    try:
        result = Decimal(str(amount))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _date(value: Any) -> datetime.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime.datetime | None:
    fixed = fix_date_time(value)
    if fixed is None:
        return None
    return datetime.datetime.fromisoformat(fixed)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _text(value: Any, limit: int) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()[:limit]


def _obj(node: dict[str, Any], key: str) -> dict[str, Any]:
    value = node.get(key)
    return value if isinstance(value, dict) else {}


def _first(items: Any) -> dict[str, Any]:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict):
                return item
    return {}


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _digits_nit(value: str) -> str:
    # "890480184-1" or "890.480.184" -> "890480184" (the check digit after the dash is not part of it).
    head = value.split("-")[0]
    digits = re.sub(r"\D", "", head)
    return digits or value


def contract_columns(release: Release, *, canonical: str | None = None) -> dict[str, Any]:
    """The Contract columns of a compiled release (any publisher), keyed by field name.

    ``canonical`` is ``canonical_json(release)`` when the caller already has it (for the hash).
    """
    tender = _obj(release, "tender")
    planning = _obj(release, "planning")
    contracts = _dicts(release.get("contracts"))
    awards = _dicts(release.get("awards"))
    contract = contracts[0] if contracts else {}
    award = awards[0] if awards else {}
    parties = {_id_key(p.get("id")): p for p in _dicts(release.get("parties")) if "id" in p}

    buyer_ref = _obj(release, "buyer")
    buyer_party = parties.get(_id_key(buyer_ref.get("id"))) if "id" in buyer_ref else None
    if buyer_party is None:
        buyer_party = next((p for p in parties.values() if "buyer" in (p.get("roles") or [])), {})
    assert buyer_party is not None  # noqa: S101
    buyer_name = _text(buyer_ref.get("name") or buyer_party.get("name"), 300)
    buyer_identifier = _obj(buyer_party, "identifier")
    buyer_nit = _digits_nit(_text(buyer_identifier.get("id"), 30)) if buyer_identifier.get("id") else ""

    supplier_ref = _first(award.get("suppliers"))
    supplier_party = parties.get(_id_key(supplier_ref.get("id"))) if "id" in supplier_ref else None
    if supplier_party is None:
        supplier_party = next((p for p in parties.values() if "supplier" in (p.get("roles") or [])), {})
    assert supplier_party is not None  # noqa: S101
    supplier_name = _text(supplier_ref.get("name") or supplier_party.get("name"), 300)
    supplier_identifier = _obj(supplier_party, "identifier")
    details = _obj(supplier_party, "details")
    supplier_doc_type = _text(details.get("documentType") or supplier_identifier.get("scheme"), 60)
    supplier_doc = _text(supplier_identifier.get("id"), 60)

    title = _text(
        contract.get("description")
        or tender.get("description")
        or contract.get("title")
        or tender.get("title")
        or award.get("title"),
        5000,
    )

    item = _first(tender.get("items")) or _first(contract.get("items")) or _first(award.get("items"))
    classification = _obj(item, "classification")
    category = classification.get("id") if classification.get("id") not in (None, "") else item.get("id")
    category_code = _text(category, 20) if isinstance(category, str | int) else ""

    # Value: the contracts' (in the currency of the first one), else the award's.
    value: Decimal | None = None
    for c in contracts:
        amount = _amount(c.get("value"))
        if amount is not None:
            value = amount if value is None else value + amount
    if value is None:
        value = _amount(award.get("value"))

    # Additions in value: amendments that carry a value (a common extension); unknown otherwise.
    value_added: Decimal | None = None
    for c in contracts:
        for amendment in _dicts(c.get("amendments")):
            amount = _amount(amendment.get("value"))
            if amount is not None:
                value_added = amount if value_added is None else value_added + amount
    original_value = value - value_added if value is not None and value_added is not None else value

    paid: Decimal | None = None
    for c in contracts:
        implementation = _obj(c, "implementation")
        for transaction in _dicts(implementation.get("transactions")):
            amount = _amount(transaction.get("value")) or _amount(transaction.get("amount"))
            if amount is not None:
                paid = amount if paid is None else paid + amount
    if paid is None:
        summary = _obj(contract, "financialSummary")
        paid = _amount(summary.get("paid"))

    period = _obj(contract, "period")
    signed_on = _date(contract.get("dateSigned"))
    start_on = _date(period.get("startDate"))
    end_on = _date(period.get("endDate"))
    days_added = _int(contract.get("daysAdded"))
    original_term_days: int | None = None
    if start_on and end_on:
        original_term_days = (end_on - start_on).days - (days_added or 0)
    elif _int(period.get("durationInDays")) is not None:
        original_term_days = (_int(period.get("durationInDays")) or 0) - (days_added or 0)

    tender_period = _obj(tender, "tenderPeriod")
    tender_period_days = _int(tender_period.get("durationInDays"))
    if tender_period_days is None:
        opened, closed = _date(tender_period.get("startDate")), _date(tender_period.get("endDate"))
        if opened and closed:
            tender_period_days = (closed - opened).days

    budget = _obj(planning, "budget")
    estimate_value = _amount(tender.get("value"))
    if estimate_value is None:
        estimate_value = _amount(budget.get("amount"))

    release_date = _datetime(release.get("date"))
    year_from = signed_on or start_on or (release_date.date() if release_date else None)
    bidders = _int(tender.get("numberOfTenderers"))

    status = _text(
        contract.get("statusDetails") or contract.get("status") or tender.get("statusDetails") or tender.get("status"),
        80,
    )
    modality = _text(
        tender.get("procurementMethodDetails") or release.get("procurement_type") or tender.get("procurementMethod"),
        160,
    )
    contract_type = _text(
        tender.get("mainProcurementCategoryDetails") or tender.get("mainProcurementCategory"),
        160,
    )
    url = _text(release.get("urlSECOP"), 500)
    procurement_method = _text(tender.get("procurementMethod"), 20)

    return {
        "ocid": _text(release.get("ocid"), 120),
        "contract_id": _text(contract.get("id") or award.get("id"), 120),
        "process_id": _text(tender.get("id"), 120),
        "buyer_name": buyer_name,
        "buyer_nit": buyer_nit[:30],
        "supplier_name": supplier_name,
        "supplier_doc_type": supplier_doc_type,
        "supplier_doc": supplier_doc,
        "title": title,
        "category_code": category_code,
        "modality": modality,
        "contract_type": contract_type,
        "status": status,
        "procurement_method": procurement_method
        if procurement_method in ("open", "selective", "limited", "direct")
        else "",
        "signed_on": signed_on,
        "start_on": start_on,
        "end_on": end_on,
        "year": year_from.year if year_from else None,
        "value": value,
        "original_value": original_value,
        "value_added": value_added,
        "estimate_value": estimate_value,
        "paid": paid,
        "days_added": days_added,
        "original_term_days": original_term_days,
        "bidders": bidders if bidders is not None and bidders >= 0 else None,
        "tender_period_days": tender_period_days,
        "url": url if url.startswith(("http://", "https://")) else "",
        "search_document": search_document(title, supplier_name, buyer_name),
        "release_hash": hashlib.sha256((canonical or canonical_json(release)).encode()).hexdigest(),
        "release_date": release_date,
    }
