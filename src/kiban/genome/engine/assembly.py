"""Reference assemblies: contig names and lengths, pseudo-autosomal regions, and where calls are haploid."""

import enum

ASSEMBLIES = ("GRCh37", "GRCh38")

# Primary-assembly lengths: a VCF header that states other lengths was aligned to another reference.
CONTIG_LENGTHS: dict[str, dict[str, int]] = {
    "GRCh37": {
        "1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276, "5": 180915260, "6": 171115067,
        "7": 159138663, "8": 146364022, "9": 141213431, "10": 135534747, "11": 135006516, "12": 133851895,
        "13": 115169878, "14": 107349540, "15": 102531392, "16": 90354753, "17": 81195210, "18": 78077248,
        "19": 59128983, "20": 63025520, "21": 48129895, "22": 51304566, "X": 155270560, "Y": 59373566,
    },
    "GRCh38": {
        "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259, "6": 170805979,
        "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422, "11": 135086622, "12": 133275309,
        "13": 114364328, "14": 107043718, "15": 101991189, "16": 90338345, "17": 83257441, "18": 80373285,
        "19": 58617616, "20": 64444167, "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415,
    },
}  # fmt: skip

# chrX pseudo-autosomal regions, 1-based inclusive.
PAR_X: dict[str, tuple[tuple[int, int], ...]] = {
    "GRCh37": ((60001, 2699520), (154931044, 155260560)),
    "GRCh38": ((10001, 2781479), (155701383, 156030895)),
}

# The primary chromosomes as the engine names them, in display and sort order (anything else sorts after,
# by name).
CHROMOSOMES = (*(str(n) for n in range(1, 23)), "X", "Y", "MT")
# Longer than any human chromosome; a position typed or sent beyond it is refused before it reaches a query,
# which also keeps positions and offsets inside the engine's 64-bit integers.
MAX_POSITION = 1_000_000_000
# Names some tools give the sex chromosomes (PLINK, Beacon clients): accepted where `numbered_sex` says so.
_NUMBERED_SEX_CHROMOSOMES = {"23": "X", "24": "Y"}


class Ploidy(enum.IntEnum):
    """How a site's calls count: as written, or collapsed to one allele for some samples."""

    DIPLOID = 0  # autosomes and the PARs: every called allele counts
    X_NONPAR = 1  # XY samples are hemizygous
    Y = 2  # XY samples are hemizygous; XX samples carry no Y, so their calls are ignored
    MT = 3  # everyone is hemizygous (haploid mitochondrial calls)


def check_assembly(assembly: str) -> str | None:
    """The canonical spelling of a supported assembly ('grch38' -> 'GRCh38'), or None."""
    for name in ASSEMBLIES:
        if assembly.strip().lower() == name.lower():
            return name
    return None


def normalise_chrom(name: str) -> str:
    """'chr1' -> '1', 'chrX' -> 'X', 'M'/'chrM'/'chrMT' -> 'MT'; other contigs keep their name."""
    bare = name.strip()
    if bare[:3].lower() == "chr":
        bare = bare[3:]
    upper = bare.upper()
    if upper in ("M", "MT"):
        return "MT"
    if upper in ("X", "Y"):
        return upper
    return bare


def primary_chromosome(name: str, *, numbered_sex: bool = False) -> str | None:
    """A primary chromosome however it is written ('chr1', '1', 'x', 'chrM', 'mt') as '1'..'22', 'X', 'Y'
    or 'MT'; None for any other name. With numbered_sex, '23' and '24' (or 'chr23') are X and Y."""
    chrom = normalise_chrom(name)
    if numbered_sex:
        chrom = _NUMBERED_SEX_CHROMOSOMES.get(chrom, chrom)
    return chrom if chrom in CHROMOSOMES else None


def chrom_sort_key(chrom: str) -> tuple[int, str]:
    return (CHROMOSOMES.index(chrom), "") if chrom in CHROMOSOMES else (len(CHROMOSOMES), chrom)


def ploidy_of(chrom: str, pos: int, assembly: str) -> Ploidy:
    if chrom == "X":
        if any(lo <= pos <= hi for lo, hi in PAR_X[assembly]):
            return Ploidy.DIPLOID
        return Ploidy.X_NONPAR
    if chrom == "Y":
        return Ploidy.Y
    if chrom == "MT":
        return Ploidy.MT
    return Ploidy.DIPLOID


def assembly_of_length(chrom: str, length: int) -> str | None:
    """Which assembly has this primary contig at this length, if any."""
    for name, lengths in CONTIG_LENGTHS.items():
        if lengths.get(chrom) == length:
            return name
    return None
