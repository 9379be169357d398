"""Users never see a requirement ID: IDs live in comments, docstrings, tests and commit messages.

A rule quoted to a user is named in words ("（岗位分离）"), never as "（PUB-1）". These tests look
wherever text reaches a user: the translation catalogue (English msgids are what English users
see), the visible text of templates, the labels and help texts of models, and every string
literal of the project's Python code that is not a docstring (form errors, messages, command
output).
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# The prefixes of the IDs in spec/REQUIREMENTS.md. A list rather than "any capitals, dash,
# digits" so that SHA-256, UTF-8, ISO-8601 or GB/T 9704-2012 are not mistaken for IDs.
PREFIXES = (
    "COL",
    "DATA",
    "DISC",
    "INT",
    "LINK",
    "NEXT",
    "OPS",
    "PUB",
    "RES",
    "SEC",
    "SITE",
    "SRCH",
    "SVC",
    "TPL",
)
REQUIREMENT_ID = re.compile(rf"\b(?:{'|'.join(PREFIXES)})-\d+\b")

# Django comments are never sent to the browser; everything else in a template may be.
TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.DOTALL)

# Not the project's own code, or not shown to anyone: history (migrations) and the tests.
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules", "var", "build", "dist"}


def project_python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.isdisjoint(relative.parts[:-1]) and not relative.parts[0].startswith("."):
            yield path


def test_the_pattern_finds_ids_and_leaves_other_codes_alone():
    assert REQUIREMENT_ID.search("at most 8 (COL-6).")
    assert REQUIREMENT_ID.search("不符合（SITE-3）。")
    assert REQUIREMENT_ID.search("(SITE-9, COL-7)")
    for text in ("SHA-256", "UTF-8", "ISO-8601", "GB/T 9704-2012", "X-Frame-Options", "COLUMN-2"):
        assert not REQUIREMENT_ID.search(text), text


def test_the_catalogue_has_no_requirement_ids():
    hits = []
    for entry in polib.pofile(str(CATALOGUE)):
        texts = [entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()]
        hits += [f"line {entry.linenum}: {text!r}" for text in texts if REQUIREMENT_ID.search(text)]
    assert hits == []


def test_templates_show_no_requirement_ids():
    hits = []
    roots = [ROOT / "templates", *(d for d in ROOT.glob("*/templates") if not d.parts[-2].startswith("."))]
    for path in sorted(path for root in roots for path in root.rglob("*") if path.is_file()):
        visible = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        hits += [
            f"{path.relative_to(ROOT)}: {line.strip()[:120]}"
            for line in visible.splitlines()
            if REQUIREMENT_ID.search(line)
        ]
    assert hits == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_model_labels_and_help_texts_have_no_requirement_ids(language):
    hits = []
    with translation.override(language):
        for config in apps.get_app_configs():
            if not Path(config.path).is_relative_to(ROOT) or ".venv" in Path(config.path).parts:
                continue
            for model in config.get_models():
                meta = model._meta
                texts = {"verbose_name": meta.verbose_name, "plural": meta.verbose_name_plural}
                for field in meta.get_fields():
                    name = f"{field.name}."
                    texts[name + "verbose_name"] = getattr(field, "verbose_name", "")
                    texts[name + "help_text"] = getattr(field, "help_text", "")
                    for key, message in (getattr(field, "error_messages", None) or {}).items():
                        texts[f"{name}error_messages[{key}]"] = message
                    for value, label in getattr(field, "flatchoices", None) or ():
                        texts[f"{name}choice[{value}]"] = label
                hits += [
                    f"{meta.label}.{where}: {text}" for where, text in texts.items() if REQUIREMENT_ID.search(str(text))
                ]
    assert hits == []


def _docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                yield first.value


def test_python_strings_other_than_docstrings_have_no_requirement_ids():
    """Form errors, messages, help texts and command output are string literals in the code;
    an ID that must stay next to a string goes into a comment."""
    hits = []
    for path in project_python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        docstrings = {id(node) for node in _docstrings(tree)}
        hits += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:100]!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and REQUIREMENT_ID.search(node.value)
        ]
    assert hits == []


# Abbreviated citations of the rules ("G §3(二)2", "T art.8(三)", "T 第八条第二项"): the letters
# are this project's shorthand for 《政府网站发展指引》 and 《天津市政府网站管理办法》 (spec/
# REQUIREMENTS.md); a user reads the rule's name (issue 14 item 6).
CITATION = re.compile(r"(?<![A-Za-z])(?:[GT]\s*§|T\s*art\.|T\s*第[一二三四五六七八九十]+条)")


def test_the_citation_pattern_finds_abbreviations_only():
    for text in ("（G §3(二)2）", "(T art.8(三))", "（T 第八条第二项）", "G-Annex §2"):
        assert CITATION.search(text) or "Annex" in text, text
    for text in ("《政府网站发展指引》", "《天津市政府网站管理办法》第八条", "GB/T 9704-2012", "AT 第"):
        assert not CITATION.search(text), text


def test_the_catalogue_and_code_strings_name_rules_in_words():
    hits = []
    for entry in polib.pofile(str(CATALOGUE)):
        hits += [f"line {entry.linenum}: {text!r}" for text in (entry.msgid, entry.msgstr) if CITATION.search(text)]
    for path in project_python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        docstrings = {id(node) for node in _docstrings(tree)}
        hits += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:100]!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and CITATION.search(node.value)
        ]
    assert hits == []
