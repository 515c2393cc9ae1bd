"""Rules read once from the OCDS 1.1.5 release schema, committed so the product never needs the schema.

``abierta/contracting/tests/test_ocds_merge.py::test_rules_match_the_release_schema`` derives them again
from the official schema and fails if this file is out of date. Paths are tuples of property names;
array positions are not part of a path (the rule of ``awards.suppliers`` applies to every award).
"""

from __future__ import annotations

# Fields dropped when merging (https://standard.open-contracting.org/1.1/en/schema/merging/#discarded-fields).
OMIT_WHEN_MERGED: frozenset[tuple[str, ...]] = frozenset({("id",), ("date",), ("tag",)})

# Arrays replaced whole, never merged item by item (#whole-list-merge).
WHOLE_LIST_MERGE: frozenset[tuple[str, ...]] = frozenset(
    {
        ("awards", "amendment", "changes"),
        ("awards", "amendments", "changes"),
        ("awards", "items", "additionalClassifications"),
        ("awards", "suppliers", "additionalIdentifiers"),
        ("buyer", "additionalIdentifiers"),
        ("contracts", "amendment", "changes"),
        ("contracts", "amendments", "changes"),
        ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"),
        ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"),
        ("contracts", "items", "additionalClassifications"),
        ("contracts", "relatedProcesses", "relationship"),
        ("parties", "additionalIdentifiers"),
        ("parties", "roles"),
        ("relatedProcesses", "relationship"),
        ("tender", "additionalProcurementCategories"),
        ("tender", "amendment", "changes"),
        ("tender", "amendments", "changes"),
        ("tender", "items", "additionalClassifications"),
        ("tender", "procuringEntity", "additionalIdentifiers"),
        ("tender", "submissionMethod"),
        ("tender", "tenderers", "additionalIdentifiers"),
    }
)

# Closed codelists (other than currencies): a value outside the list makes the release invalid.
CLOSED_CODELISTS: dict[tuple[str, ...], frozenset[str]] = {
    ("initiationType",): frozenset({"tender"}),
    ("tender", "status"): frozenset(
        {"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"}
    ),
    ("tender", "procurementMethod"): frozenset({"open", "selective", "limited", "direct"}),
    ("tender", "mainProcurementCategory"): frozenset({"goods", "works", "services"}),
    ("awards", "status"): frozenset({"pending", "active", "cancelled", "unsuccessful"}),
    ("contracts", "status"): frozenset({"pending", "active", "cancelled", "terminated"}),
    ("planning", "milestones", "status"): frozenset({"scheduled", "met", "notMet", "partiallyMet"}),
    ("tender", "milestones", "status"): frozenset({"scheduled", "met", "notMet", "partiallyMet"}),
    ("contracts", "milestones", "status"): frozenset({"scheduled", "met", "notMet", "partiallyMet"}),
    ("contracts", "implementation", "milestones", "status"): frozenset({"scheduled", "met", "notMet", "partiallyMet"}),
}

# Fields with "format": "date-time".
DATE_TIME_FIELDS: frozenset[tuple[str, ...]] = frozenset(
    {
        ("date",),
        ("awards", "amendment", "date"),
        ("awards", "amendments", "date"),
        ("awards", "contractPeriod", "endDate"),
        ("awards", "contractPeriod", "maxExtentDate"),
        ("awards", "contractPeriod", "startDate"),
        ("awards", "date"),
        ("awards", "documents", "dateModified"),
        ("awards", "documents", "datePublished"),
        ("contracts", "amendment", "date"),
        ("contracts", "amendments", "date"),
        ("contracts", "dateSigned"),
        ("contracts", "documents", "dateModified"),
        ("contracts", "documents", "datePublished"),
        ("contracts", "implementation", "documents", "dateModified"),
        ("contracts", "implementation", "documents", "datePublished"),
        ("contracts", "implementation", "milestones", "dateMet"),
        ("contracts", "implementation", "milestones", "dateModified"),
        ("contracts", "implementation", "milestones", "documents", "dateModified"),
        ("contracts", "implementation", "milestones", "documents", "datePublished"),
        ("contracts", "implementation", "milestones", "dueDate"),
        ("contracts", "implementation", "transactions", "date"),
        ("contracts", "milestones", "dateMet"),
        ("contracts", "milestones", "dateModified"),
        ("contracts", "milestones", "documents", "dateModified"),
        ("contracts", "milestones", "documents", "datePublished"),
        ("contracts", "milestones", "dueDate"),
        ("contracts", "period", "endDate"),
        ("contracts", "period", "maxExtentDate"),
        ("contracts", "period", "startDate"),
        ("planning", "documents", "dateModified"),
        ("planning", "documents", "datePublished"),
        ("planning", "milestones", "dateMet"),
        ("planning", "milestones", "dateModified"),
        ("planning", "milestones", "documents", "dateModified"),
        ("planning", "milestones", "documents", "datePublished"),
        ("planning", "milestones", "dueDate"),
        ("tender", "amendment", "date"),
        ("tender", "amendments", "date"),
        ("tender", "awardPeriod", "endDate"),
        ("tender", "awardPeriod", "maxExtentDate"),
        ("tender", "awardPeriod", "startDate"),
        ("tender", "contractPeriod", "endDate"),
        ("tender", "contractPeriod", "maxExtentDate"),
        ("tender", "contractPeriod", "startDate"),
        ("tender", "documents", "dateModified"),
        ("tender", "documents", "datePublished"),
        ("tender", "enquiryPeriod", "endDate"),
        ("tender", "enquiryPeriod", "maxExtentDate"),
        ("tender", "enquiryPeriod", "startDate"),
        ("tender", "milestones", "dateMet"),
        ("tender", "milestones", "dateModified"),
        ("tender", "milestones", "documents", "dateModified"),
        ("tender", "milestones", "documents", "datePublished"),
        ("tender", "milestones", "dueDate"),
        ("tender", "tenderPeriod", "endDate"),
        ("tender", "tenderPeriod", "maxExtentDate"),
        ("tender", "tenderPeriod", "startDate"),
    }
)
