"""`kiban genome …`: ingest a VCF, load genes, list datasets and query them from the command line."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kiban.genome import engine
from kiban.genome.datasets import genome_root


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
    help = "Genome reference panel: ingest, load-genes, list, query."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="Ingest a joint-called VCF/BCF with its sample sheet.")
        ingest.add_argument("vcf", type=Path)
        ingest.add_argument("--dataset", required=True, help="Dataset id, e.g. tmm-wgs")
        ingest.add_argument(
            "--samples", required=True, type=Path, help="Sample sheet (TSV: sample, sex, cohort)"
        )
        ingest.add_argument("--assembly", default="GRCh38", choices=["GRCh37", "GRCh38"])
        genes = sub.add_parser("load-genes", help="Load a gene annotation (GTF, GFF3 or BED).")
        genes.add_argument("path", type=Path)
        genes.add_argument("--assembly", default="GRCh38", choices=["GRCh37", "GRCh38"])
        sub.add_parser("list", help="List datasets.")
        query = sub.add_parser("query", help="Look up a variant id, rsID, region (1:100-200) or gene.")
        query.add_argument("--dataset", required=True)
        query.add_argument("term", help="1-12345-A-G, rs123, 1:100000-200000 or a gene symbol")
        query.add_argument("--limit", type=int, default=100)
        query.add_argument("--offset", type=int, default=0)

    def handle(self, *args, action: str, **options):
        root = genome_root()
        try:
            getattr(self, f"_{action.replace('-', '_')}")(root, **options)
        except (engine.GenomeInputError, LookupError, ValueError) as error:
            raise CommandError(str(error)) from error

    def _ingest(self, root, *, vcf, dataset, samples, assembly, **_):
        self.stdout.write(f"Ingesting {vcf} as dataset '{dataset}' ({assembly})…")
        manifest = engine.ingest(
            vcf,
            samples,
            root=root,
            dataset_id=dataset,
            assembly=assembly,
            progress=_progress_printer(self.stderr),
        )
        self.stderr.write("")
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
