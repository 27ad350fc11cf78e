"""`kiban genome …`: ingest a VCF, register a version written elsewhere, load genes, list, query, access."""

import importlib.util
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kiban.genome import engine, selectors, services
from kiban.genome.choices import AccessLevel
from kiban.genome.datasets import genome_root
from kiban.genome.engine import storage
from kiban.genome.engine.register import register_version


def _progress_printer(stream):
    started = time.monotonic()
    last = [0.0]

    def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and (total is None or done < total):
            return
        last[0] = now
        rate = done / max(now - started, 1e-9)
        if total:
            filled = int(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            stream.write(f"\r[{bar}] {done:,}/{total:,} records ({rate:,.0f}/s)", ending="")
        else:
            stream.write(f"\r{done:,} records ({rate:,.0f}/s)", ending="")
        stream.flush()

    return report


def _print_variants(out, variants) -> None:
    out.write("variant\trsid\tfilter\tAC\tAN\tAF\thom\thet\themi")
    for v in variants:
        c = v.counts
        af = "" if c.af is None else f"{c.af:.6g}"
        out.write(
            "\t".join(
                [
                    v.variant_id,
                    v.rsid or "",
                    ",".join(v.filters),
                    str(c.ac),
                    str(c.an),
                    af,
                    *map(str, (c.hom, c.het, c.hemi)),
                ]
            )
        )


class Command(BaseCommand):
    help = "Genome reference panel: ingest, register, load-genes, list, query, access."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="Ingest a joint-called VCF/BCF with its sample sheet.")
        ingest.add_argument("vcf", type=Path)
        ingest.add_argument("--dataset", required=True, help="Dataset id, e.g. tmm-wgs")
        ingest.add_argument(
            "--samples", required=True, type=Path, help="Sample sheet (TSV: sample, sex, cohort)"
        )
        ingest.add_argument("--assembly", default="GRCh38", choices=["GRCh37", "GRCh38"])
        ingest.add_argument(
            "--engine",
            dest="engine_name",
            default="embedded",
            choices=["embedded", "spark"],
            help="embedded (one machine; the default) or spark (pip install 'kiban[spark]'; Java 17+)",
        )
        ingest.add_argument("--master", help="Spark master URL for --engine spark (default local[*])")
        register = sub.add_parser(
            "register",
            help="Publish a version folder written elsewhere (e.g. by the Spark ingest on a cluster).",
        )
        register.add_argument("folder", type=Path, help="the version folder: <output>/<version>")
        register.add_argument("--dataset", help="Dataset id (default: the manifest's)")
        genes = sub.add_parser("load-genes", help="Load a gene annotation (GTF, GFF3 or BED).")
        genes.add_argument("path", type=Path)
        genes.add_argument("--assembly", default="GRCh38", choices=["GRCh37", "GRCh38"])
        sub.add_parser("list", help="List datasets.")
        query = sub.add_parser("query", help="Look up a variant id, rsID, region (1:100-200) or gene.")
        query.add_argument("--dataset", required=True)
        query.add_argument("term", help="1-12345-A-G, rs123, 1:100000-200000 or a gene symbol")
        query.add_argument("--limit", type=int, default=100)
        query.add_argument("--offset", type=int, default=0)
        access = sub.add_parser(
            "access",
            help="Show a dataset's access level, or set it (public, registered, controlled) with a reason.",
        )
        access.add_argument("dataset_id", metavar="dataset")
        access.add_argument("level", nargs="?", choices=AccessLevel.values)
        access.add_argument("--reason", help="Why (kept in the audit trail); required when setting")

    def handle(self, *args, action: str, **options):
        root = genome_root()
        try:
            getattr(self, f"_{action.replace('-', '_')}")(root, **options)
        except (engine.GenomeInputError, LookupError, ValueError) as error:
            raise CommandError(str(error)) from error

    def _ingest(self, root, *, vcf, dataset, samples, assembly, engine_name="embedded", master=None, **_):
        self.stdout.write(f"Ingesting {vcf} as dataset '{dataset}' ({assembly})…")
        if engine_name == "spark":
            manifest = self._ingest_spark(root, vcf, dataset, samples, assembly, master)
        else:
            manifest = engine.ingest(
                vcf,
                samples,
                root=root,
                dataset_id=dataset,
                assembly=assembly,
                progress=_progress_printer(self.stderr),
            )
            self.stderr.write("")
        self._summary(manifest)

    def _ingest_spark(self, root, vcf, dataset, samples, assembly, master):
        """Spark writes the version into a staging folder under the genome root, which is then published."""
        from kiban.genome.engine.spark import ingest_spark

        if importlib.util.find_spec("pyspark") is None:
            raise CommandError("--engine spark needs PySpark: pip install 'kiban[spark]'")
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise CommandError("--engine spark needs Java 17+ (e.g. apt-get install openjdk-17-jre-headless)")
        if not storage.valid_dataset_id(dataset):
            raise CommandError(
                f"dataset id {dataset!r} must be letters, digits, '.', '_' or '-' (at most 100)"
            )
        staging = storage.staging_dir(root, dataset)
        staging.mkdir(parents=True)
        try:
            written = ingest_spark(
                f"file://{Path(vcf).resolve()}",  # Hadoop reads the path as written, unencoded
                samples,
                output=f"file://{staging.resolve()}",
                dataset_id=dataset,
                assembly=assembly,
                master=master,
                version=storage.next_version(root, dataset, datetime.now(UTC)),
                log=self.stderr.write,
            )
            return register_version(root, staging / written.version, move=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _register(self, root, *, folder, dataset, **_):
        manifest = register_version(root, folder, dataset_id=dataset)
        self._summary(manifest)

    def _summary(self, manifest):
        strata = "; ".join(f"{name}={','.join(values)}" for name, values in manifest.strata.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Dataset {manifest.dataset_id} version {manifest.version}: "
                f"{manifest.variant_count:,} variants, {manifest.sample_count:,} samples, strata: {strata}"
            )
        )

    def _load_genes(self, root, *, path, assembly, **_):
        count = engine.load_genes(path, root=root, assembly=assembly)
        self.stdout.write(self.style.SUCCESS(f"{count:,} genes loaded for {assembly}."))

    def _list(self, root, **_):
        manifests = engine.list_datasets(root)
        if not manifests:
            self.stdout.write("No datasets yet: run `kiban genome ingest`.")
        for m in manifests:
            counts = f"{m.sample_count:,} samples\t{m.variant_count:,} variants"
            self.stdout.write(f"{m.dataset_id}\t{m.version}\t{m.assembly}\t{counts}")

    def _access(self, root, *, dataset_id, level=None, reason=None, **_):
        engine.open_dataset(root, dataset_id)  # an unknown dataset is an error, not a new row
        if level is not None:
            if not (reason or "").strip():
                raise CommandError("Say why with --reason: the change is kept in the audit trail.")
            services.dataset_access_set(dataset_id=dataset_id, level=level, actor=None, reason=reason.strip())
        shown = AccessLevel(selectors.access_level(dataset_id))
        table = selectors.GRANULARITY_BY_ACCESS_LEVEL[shown]
        self.stdout.write(
            f"{dataset_id}\t{shown.value}\tanonymous: {table['anonymous']}\tsigned in: {table['signed_in']}"
        )

    def _query(self, root, *, dataset, term, limit, offset, **_):
        data = engine.open_dataset(root, dataset)
        term = term.strip()
        if term.lower().startswith("rs"):
            _print_variants(self.stdout, data.by_rsid(term))
            return
        if term.count("-") >= 3:
            variant = data.variant(term)
            if variant is None:
                raise CommandError(f"No variant {term} in {dataset}.")
            _print_variants(self.stdout, [variant])
            return
        if ":" in term:
            chrom, _, span = term.partition(":")
            start, _, end = span.replace(",", "").partition("-")
            if not (start.isdigit() and end.isdigit()):
                raise CommandError(f"Write a region as chrom:start-end, e.g. 1:100000-200000 (got '{term}').")
            page = data.region(chrom, int(start), int(end), offset=offset, limit=limit)
        else:
            page = data.gene(term, offset=offset, limit=limit)
        _print_variants(self.stdout, page.items)
        self.stderr.write(f"{len(page.items)} of {page.total:,} variants (offset {page.offset}).")
