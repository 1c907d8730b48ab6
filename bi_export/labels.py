"""Display labels joined onto the marts in the export, all from the warehouse's seeds.

Each label join names the mart column(s) it matches on, the seed rows it reads and the label columns it adds
right after the key. A mart gets a join when it has every key column, so a new mart with a `group_key`
is labelled without any change here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelJoin:
    keys: tuple[str, ...]
    # A query over the warehouse's seeds (schema `seeds` of the attached warehouse `wh`) returning the keys
    # and the label columns, one row per key.
    source_sql: str
    # label column in the export -> its description
    labels: dict[str, str]


LABEL_JOINS: tuple[LabelJoin, ...] = (
    LabelJoin(
        keys=("group_key",),
        source_sql="select group_key, label_en as group_label_en, label_no as group_label_no, "
                   "sort_order as group_sort_order from wh.seeds.study_groups",
        labels={
            "group_label_en": "Study group, English label (seed study_groups).",
            "group_label_no": "Study group, Norwegian label as the report heads it (seed study_groups).",
            "group_sort_order": "The report's order of the groups, 1 = Ukrainian refugees (seed study_groups).",
        },
    ),
    LabelJoin(
        keys=("service_key",),
        source_sql="select service_key, label_en as service_label_en, label_no as service_label_no "
                   "from wh.seeds.services",
        labels={
            "service_label_en": "Service, English label (seed services).",
            "service_label_no": "Service, Norwegian label as printed in the report (seed services).",
        },
    ),
    LabelJoin(
        keys=("sex",),
        source_sql="select sex, label_en as sex_label_en, label_no as sex_label_no from wh.seeds.sexes",
        labels={
            "sex_label_en": "Sex, English label (seed sexes).",
            "sex_label_no": "Sex, Norwegian label (seed sexes).",
        },
    ),
    LabelJoin(
        keys=("immigration_reason_key",),
        source_sql="select immigration_reason_key, immigration_reason_en as immigration_reason_label_en, "
                   "immigration_reason_no as immigration_reason_label_no from wh.seeds.immigration_reasons",
        labels={
            "immigration_reason_label_en": "Immigration reason, English label (seed immigration_reasons; null on "
                                           "a group's row, 'all').",
            "immigration_reason_label_no": "Immigration reason, Norwegian label (seed immigration_reasons).",
        },
    ),
    LabelJoin(
        keys=("code_system", "chapter_code"),
        source_sql="select 'ICPC-2' as code_system, chapter_code, chapter_label_en, chapter_label_no "
                   "from wh.seeds.icpc2_chapters "
                   "union all "
                   "select 'ICD-10' as code_system, first_letter as chapter_code, "
                   "first_letter_label_en as chapter_label_en, cast(null as varchar) as chapter_label_no "
                   "from wh.seeds.icd10_first_letter_groups",
        labels={
            "chapter_label_en": "Diagnosis chapter, English label (seeds icpc2_chapters; icd10_first_letter_groups "
                                "for ICD-10 first letters).",
            "chapter_label_no": "Diagnosis chapter, Norwegian label (ICPC-2 only; null for ICD-10).",
        },
    ),
)
