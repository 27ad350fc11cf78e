"""Numbers typed into a form or a query string are read as 0-9 only: int(), Decimal() and float() also read
full-width "１２", Arabic-Indic "١٢", "1_000", "NaN" and "Infinity", which a person did not mean and a
bound check may not catch. Every number field of the project is one of core.forms' fields."""

import importlib
import pkgutil
import re
from pathlib import Path

import django_filters
import pytest
from django import forms

import kiban
from kiban.core.forms import AsciiDigitsMixin, DecimalField, FloatField, IntegerField

SOURCE = Path(kiban.__file__).parent
NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)


def _project_modules():
    for info in pkgutil.walk_packages(kiban.__path__, "kiban."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts or parts[-1] not in {"forms", "filtersets"}:
            continue
        yield importlib.import_module(info.name)


def _classes(base):
    for module in _project_modules():
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__:
                yield value


@pytest.mark.parametrize("field_class", [IntegerField, DecimalField, FloatField])
@pytest.mark.parametrize("typed", ["１２", "١٢", "1_000", "NaN", "Infinity", "12a", "1 2"])
def test_number_fields_refuse_other_digits(field_class, typed):
    # Given a number written in another script, with an underscore, or as a special value
    field = field_class(required=False)

    # Then the field refuses it as not a number
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize(
    ("field_class", "typed", "value"),
    [
        (IntegerField, " 12 ", 12),
        (IntegerField, "-3", -3),
        (DecimalField, "1.50", 1.5),
        (DecimalField, ".5", 0.5),
        (FloatField, "1e-3", 0.001),
        (FloatField, "", None),
    ],
)
def test_number_fields_read_ascii_numbers(field_class, typed, value):
    assert field_class(required=False).clean(typed) == value


def test_every_declared_number_field_reads_ascii_digits():
    # Every form and filter set of the project (declared fields, ModelForm fields, filters' fields)
    loose = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _classes(forms.BaseForm)
        for name, field in form.base_fields.items()
        if isinstance(field, NUMBER_FIELDS) and not isinstance(field, AsciiDigitsMixin)
    ]
    loose += [
        f"{filterset.__module__}.{filterset.__name__}.{name}"
        for filterset in _classes(django_filters.FilterSet)
        for name, item in filterset.base_filters.items()
        if issubclass(item.field_class, NUMBER_FIELDS) and not issubclass(item.field_class, AsciiDigitsMixin)
    ]
    assert loose == []


def test_no_form_builds_django_number_fields_itself():
    # Fields added in a form's __init__ do not show in base_fields: the source must not name Django's own
    pattern = re.compile(r"\bforms\.(IntegerField|DecimalField|FloatField)\(|django_filters\.NumberFilter\(")
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
