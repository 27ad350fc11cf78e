"""`kiban biobank …`: import participants into a collection, link a genome dataset's samples, list."""

import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from kiban.biobank.importing import ImportRefused, import_file
from kiban.biobank.importing import __doc__ as FORMAT
from kiban.biobank.linking import link_dataset
from kiban.biobank.models import Biobank, Collection


def _progress(stream):
    def report(done: int, total: int) -> None:
        filled = int(30 * done / max(total, 1))
        stream.write(f"\r[{'#' * filled}{'-' * (30 - filled)}] {done:,}/{total:,} participants", ending="")
        stream.flush()

    return report


class Command(BaseCommand):
    help = "Biobank cross-search: import (CSV/TSV or Beacon v2 JSON), link a genome dataset, list."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "import",
            help="Import participants, diagnoses, samples and data into a collection.",
            description=FORMAT,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        load.add_argument("file", type=Path, help="a .csv, .tsv or .json file (format below)")
        load.add_argument("--biobank", required=True, help="the biobank's code, e.g. TMM")
        load.add_argument("--collection", required=True, help="the collection's code, e.g. community")
        link = sub.add_parser(
            "link",
            help="Link a genome dataset's samples to participants (the sample sheet's participant column).",
        )
        link.add_argument("--dataset", required=True, help="the genome dataset id, e.g. tmm-simulated")
        link.add_argument(
            "--biobank", required=True, help="the biobank whose pseudonymous ids the sheet uses"
        )
        sub.add_parser("list", help="List biobanks and collections with their participants.")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _biobank(self, code: str) -> Biobank:
        biobank = Biobank.objects.filter(code__iexact=code).first()
        if biobank is None:
            known = ", ".join(Biobank.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No biobank {code!r}; biobanks: {known}")
        return biobank

    def _import(self, *, file: Path, biobank: str, collection: str, **_options):
        bank = self._biobank(biobank)
        target = Collection.objects.filter(biobank=bank, code=collection).first()
        if target is None:
            known = ", ".join(bank.collections.values_list("code", flat=True)) or "none"
            raise CommandError(f"{bank.code} has no collection {collection!r}; its collections: {known}")
        try:
            summary = import_file(file, collection=target, progress=_progress(self.stdout))
        except ImportRefused as refusal:
            raise CommandError(f"Nothing was imported.\n{refusal}") from refusal
        self.stdout.write("")
        if not summary.changed:
            self.stdout.write(f"{file.name}: nothing to change; {target} already holds it.")
            return
        self.stdout.write(
            f"{file.name} → {target}: {summary.participants_added:,} participants added, "
            f"{summary.participants_updated:,} updated, {summary.diagnoses_added:,} diagnoses and "
            f"{summary.samples_added:,} samples added or updated."
        )

    def _link(self, *, dataset: str, biobank: str, **_options):
        try:
            summary = link_dataset(dataset_id=dataset, biobank=self._biobank(biobank))
        except Http404 as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{dataset}: {summary.linked:,} samples linked, {summary.unchanged:,} already linked."
        )
        if summary.unknown:
            shown = ", ".join(summary.unknown[:10])
            self.stderr.write(
                f"{len(summary.unknown):,} participants named by the sheet are not held: {shown}"
            )

    def _list(self, **_options):
        for collection in Collection.objects.select_related("biobank").order_by("biobank__code", "code"):
            count = collection.participants.count()
            self.stdout.write(f"{collection}\t{collection.name}\t{count:,} participants")
        sys.stdout.flush()
