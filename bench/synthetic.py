"""Deterministic synthetic catalogues: the same corpus as katalog, plain Pelican and Hugo trees.

Benchmarks need catalogues of 10 to 10,000+ entries that search like real Indonesian text:
a Zipf-like word distribution over a large vocabulary (inflected public-administration roots
plus pseudo-roots), acronyms with expansions, hyphenated names and years, so a typical
two-word query matches a small fraction of entries. Entry ``i`` depends only on the seed and
``i`` (never on ``n``), so a smaller corpus is a prefix of a larger one.

Two profiles share everything but the text. ``realistic`` (the default) is fitted to
``content/inovasi``: body lengths are lognormal around the real median (~97 words) and the
vocabulary is open-ended, its distinct forms growing with the corpus as the real Heaps law
V(n) = K * n^beta says. ``heavy`` is the original generator (100-400 word bodies, a closed
24,000-form vocabulary), kept byte for byte so that figures measured on it stay comparable.
The fitted constants come from ``--measure``; refit them when the real catalogue has grown.

Run: ``python -m bench.synthetic --n 10000 --out DIR [--seed 7] [--formats katalog,pelican,hugo]
[--profile realistic|heavy]``, or ``python -m bench.synthetic --measure content/inovasi``.
Each requested format's folder (``DIR/<format>/``) is deleted and rewritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import random
import re
import shutil
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from katalog.content.model import slugify

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "content" / "taxonomy.yaml"
FORMATS = ("katalog", "pelican", "hugo")
PROFILES = ("realistic", "heavy")
DEFAULT_PROFILE = "realistic"
VOCABULARY_SIZE = 24_000
ZIPF_EXPONENT = 1.0
# Zipf-Mandelbrot offset: function words (sampled separately) hold the top ranks of real text,
# so the most frequent content word appears in about half the entries, not in all of them.
ZIPF_OFFSET = 40


def _words(text: str) -> list[str]:
    """Whitespace-separated word list (keeps long vocabularies readable as paragraphs)."""
    return text.split()


# Common roots of public-administration Indonesian; inflected below into ~15 forms each.
ROOTS = _words(
    """
layan adu kunjung izin jalan kelola data arsip surat uang bayar ajar latih nilai catat daftar
periksa awas rencana anggar lapor tata atur bangun kembang ubah baru bantu dukung hubung kirim
terima simpan cari pilih tetap putus tanggap tindak selesai proses ukur hitung pakai guna buat
susun tulis baca dengar lihat tanya jawab minta beri ambil pindah tukar jual beli sewa pinjam
kumpul bagi satu padu gabung pisah tutup buka mulai akhir ikut wakil pimpin perintah kuasa
wenang tugas kerja karya usaha modal pajak harga biaya untung hemat cepat mudah murah aman
sehat obat rawat didik sekolah tani ternak ikan hutan tanam air listrik tanah rumah gedung
kantor pasar dagang industri angkut kapal darat laut udara pulau desa kota daerah wilayah
negara rakyat warga penduduk lahir nikah cerai pindah mati kubur agama adat budaya seni wisata
olahraga muda pemuda perempuan anak keluarga miskin bantu sosial kerja gaji pensiun pegawai
jabat pangkat karier disiplin tertib hukum adil sidang perkara saksi bukti aduan keluh saran
kritik puas mutu standar prosedur syarat berkas dokumen formulir cetak salin pindai unggah
unduh akses jaring sambung aplikasi sistem layar tombol kode sandi kunci rahasia lindung jaga
pantau kendali koordinasi sinkron integrasi terap uji coba kaji teliti riset survei ulas
ringkas jelas terang buku pustaka literasi ilmu tahu paham sadar ingat lupa tunda lambat antre
tunggu jadwal waktu hari bulan tahun minggu pagi malam siang temu rapat musyawarah mufakat
sepakat janji kontrak lelang beli belanja barang jasa pasok gudang stok aset milik sewa hibah
sumbang donasi zakat wakaf infak dana kas rekening tagih setor tunai kredit utang pinjam cicil
angsur bunga laba rugi neraca audit awas sidik selidik tangkap cegah tangkal lawan korupsi suap
pungut bersih jujur tulus ikhlas rajin tekun gigih kuat lemah sakit ramah senyum sapa salam
hormat santun sopan patuh taat langgar sanksi denda hukum ganti rugi rusak baik benah perbaiki
pelihara rawat bersih sampah limbah olah daur hijau taman pohon bunga benih panen pangan gizi
makan minum masak dapur piring meja kursi ruang lantai atap pintu jendela lampu kabel jalan
jembatan terminal halte stasiun bandara pelabuhan kendara motor mobil sepeda parkir macet lalu
lintas rambu marka tilang surat polisi jaksa hakim
"""
)

FUNCTION_WORDS = _words(
    """
yang dan di untuk dengan dari pada ke dalam ini itu oleh akan telah dapat serta bagi atau juga
tidak lebih agar sehingga karena para setiap secara melalui antara hingga sudah masih sebagai
adalah yaitu tersebut bahwa kepada maupun
"""
)

HYPHEN_PREFIXES = ["E", "Si", "M", "I", "Go", "Smart", "My", "Sim", "Pro", "Be"]
ACRONYM_HEADS = ["Sistem", "Aplikasi", "Layanan", "Gerakan", "Program", "Sentra", "Pusat", "Jaringan"]
DINAS = [
    "Komunikasi dan Informatika", "Kesehatan", "Pendidikan dan Kebudayaan",
    "Kependudukan dan Pencatatan Sipil", "Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "Sosial", "Perhubungan", "Lingkungan Hidup", "Pekerjaan Umum dan Penataan Ruang",
    "Perindustrian dan Perdagangan", "Pertanian", "Koperasi dan Usaha Mikro",
    "Kearsipan dan Perpustakaan", "Pemberdayaan Masyarakat dan Desa", "Ketenagakerjaan",
]  # fmt: skip
PLACE_HEADS = ["Tanjung", "Batu", "Sungai", "Air", "Bukit", "Muara", "Padang", "Teluk", "Pulau", "Rawa"]
PLACE_TAILS = ["Sari", "Jaya", "Baru", "Indah", "Raya", "Makmur", "Agung", "Mulya", "Permai", "Asri"]
SYNTHETIC_UNITS = 200
# The realistic profile, fitted to content/inovasi (30 entries, 2,900 body tokens) with
# `python -m bench.synthetic --measure content/inovasi`; bench/README.md has the figures.
BODY_LOG_MEAN = 4.567  # body words ~ lognormal(mu, sigma): median exp(4.567) = 96 words
BODY_LOG_SD = 0.259
BODY_WORDS = (44, 209)  # clipped at mu -/+ 3 sigma (the real range is 56-173)
HEAPS_K = 3.14  # distinct forms V(n) = K * n^beta over n running body tokens
HEAPS_BETA = 0.712
# An unbounded Zipf-Mandelbrot law of exponent s draws about n^(1/s) distinct ranks in n
# tokens, so s = 1/beta makes the vocabulary grow as Heaps' law says. The offset sets K; it
# was calibrated on generated bodies (function words, titles and units add forms too).
OPEN_ZIPF_EXPONENT = 1 / HEAPS_BETA
OPEN_ZIPF_OFFSET = 20.0
TAIL_FAMILY = 12  # consecutive tail ranks sharing one pseudo-root (inflections of one word)
FUNCTION_SHARE = {"realistic": 0.2, "heavy": 0.3}  # real bodies: 19.6% function words
STATUS_WEIGHTS = {"aktif": 50, "uji-coba": 15, "rencana": 10, "dihentikan": 10, "tidak-diketahui": 15}
PREREQUISITE_TYPES = ["sdm", "infrastruktur", "anggaran", "regulasi", "lainnya"]
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 .()/-]*[A-Za-z0-9.)]$|^[A-Za-z]$")
_YAML_WORDS = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "none"}


# --- vocabulary -------------------------------------------------------------------------


def _nasal(base: str, root: str) -> str:
    """meN-/peN- with nasal assimilation: layan -> pelayan, kunjung -> pengunjung, sapa -> menyapa."""
    first, second = root[0], root[1:2]
    vowel_next = second in set("aiueo")
    if first in "aiueo" or first in "gh":
        return f"{base}ng{root}"
    if first == "k":
        return f"{base}ng{root[1:]}" if vowel_next else f"{base}ng{root}"
    if first == "p":
        return f"{base}m{root[1:]}" if vowel_next else f"{base}m{root}"
    if first in "bfv":
        return f"{base}m{root}"
    if first == "t":
        return f"{base}n{root[1:]}" if vowel_next else f"{base}n{root}"
    if first in "dcjz":
        return f"{base}n{root}"
    if first == "s":
        return f"{base}ny{root[1:]}" if vowel_next else f"{base}n{root}"
    return f"{base}{root}"


def inflections(root: str) -> list[str]:
    """About fifteen affixed forms of `root` (approximately right Indonesian morphology)."""
    me, pe = _nasal("me", root), _nasal("pe", root)
    ber = "belajar" if root == "ajar" else ("be" if root[0] == "r" else "ber") + root
    per = ("pe" if root[0] == "r" else "per") + root + "an"
    forms = [root, root + "an", root + "nya", me, me + "kan", "di" + root, "di" + root + "kan"]
    forms += [ber, "ter" + root, "ke" + root + "an", pe + "an", per, pe]
    if not root.endswith("i"):
        forms += [me + "i", "di" + root + "i"]
    return list(dict.fromkeys(forms))


def _pseudo_root(rng: random.Random) -> str:
    """A pronounceable two- or three-syllable non-word (tarun, belikas), standing for rare roots."""
    onsets = [*"bcdghjklmnprstwy", "ng", "ny", ""]
    codas = ["", "", "", "n", "ng", "r", "t", "k", "s", "l", "h", "m"]
    syllables = [rng.choice(onsets) + rng.choice("aiueo") for _ in range(rng.choice((1, 1, 2)))]
    return "".join(syllables) + rng.choice(onsets[:16]) + rng.choice("aiueo") + rng.choice(codas)


@dataclass
class Vocabulary:
    """Ranked content words (rank 0 most frequent) sampled with weights 1/(rank + offset)^s."""

    words: list[str]
    real: list[str]  # forms of the real roots, in rank order (names, tags, headings)
    cumulative: list[float] = field(default_factory=list, repr=False)
    real_cumulative: list[float] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.cumulative = list(
            itertools.accumulate(1 / (r + ZIPF_OFFSET) ** ZIPF_EXPONENT for r in range(len(self.words)))
        )
        self.real_cumulative = list(itertools.accumulate(1 / (r + 10) for r in range(len(self.real))))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)

    def sample_real(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.real, cum_weights=self.real_cumulative, k=k)


def build_vocabulary(seed: int = 7, size: int = VOCABULARY_SIZE) -> Vocabulary:
    """Inflect the real roots, then pseudo-roots until `size` distinct forms; rank by a biased shuffle.

    Real forms get keys in [0, 0.3) and pseudo forms in [0, 1), so the administrative words
    dominate the frequent ranks while rare ranks stay varied.
    """
    rng = random.Random(f"vocabulary:{seed}")
    stop = set(FUNCTION_WORDS)
    real = [w for root in dict.fromkeys(ROOTS) for w in inflections(root) if w not in stop]
    forms = dict.fromkeys(real)
    while len(forms) < size:
        for word in inflections(_pseudo_root(rng)):
            if len(word) > 3 and word not in stop:
                forms.setdefault(word)
    keyed = [
        (rng.random() * 0.2 if i < len(real) else 0.03 + 0.97 * rng.random(), w) for i, w in enumerate(forms)
    ]
    ranked = [w for _, w in sorted(keyed)]
    real_set = set(real)
    return Vocabulary(ranked[:size], [w for w in ranked if w in real_set])


@dataclass
class OpenVocabulary(Vocabulary):
    """The heavy ranking as its head, then an unbounded tail of pseudo forms made on demand.

    Ranks are drawn from a discrete Pareto law, P(rank >= r) = (1 + r/q)^-(s-1), which is
    Zipf-Mandelbrot with exponent s and offset q over all ranks 0, 1, 2, ... With s = 1/beta
    the distinct forms of n tokens keep growing like n^beta (Heaps) instead of stopping at
    the head's 24,000. The form at a rank depends only on the seed and the rank, never on
    what was drawn before, so entry i still depends only on the seed and i and a smaller
    corpus stays a prefix of a larger one. Rare tail forms may collide (two ranks, one
    spelling); at the sizes we generate that merges a handful of forms, which is harmless.
    """

    seed: int = 7
    exponent: float = OPEN_ZIPF_EXPONENT
    offset: float = OPEN_ZIPF_OFFSET
    families: dict[int, list[str]] = field(default_factory=dict, repr=False)

    def word(self, rank: int) -> str:
        """The form at `rank`: the head's word, or an inflection of the family's pseudo-root."""
        if rank < len(self.words):
            return self.words[rank]
        family = rank // TAIL_FAMILY
        forms = self.families.get(family)
        if forms is None:
            root = _pseudo_root(random.Random(f"tail:{self.seed}:{family}"))
            forms = [w for w in inflections(root) if len(w) > 3 and w not in FUNCTION_WORDS]
            self.families[family] = forms
        return forms[rank % TAIL_FAMILY % len(forms)]

    def rank(self, rng: random.Random) -> int:
        """One rank by inversion (1 - random() is in (0, 1], so the power is finite)."""
        return int(self.offset * ((1.0 - rng.random()) ** (-1 / (self.exponent - 1)) - 1))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return [self.word(self.rank(rng)) for _ in range(k)]


def open_vocabulary(seed: int = 7) -> OpenVocabulary:
    """The realistic profile's vocabulary: `build_vocabulary(seed)` extended without end."""
    head = build_vocabulary(seed)
    return OpenVocabulary(head.words, head.real, seed=seed)


# --- taxonomy ----------------------------------------------------------------------------


def synthetic_units(seed: int = 7, count: int = SYNTHETIC_UNITS) -> list[dict[str, str]]:
    """`count` distinct regional offices ("Dinas Sosial Kabupaten Batu Jaya")."""
    rng = random.Random(f"units:{seed}")
    combos = [
        (d, r, f"{h} {t}")
        for d in DINAS
        for r in ("Kabupaten", "Kota")
        for h in PLACE_HEADS
        for t in PLACE_TAILS
    ]
    chosen = rng.sample(combos, count)
    units = []
    for dinas, region, place in chosen:
        name = f"Dinas {dinas} {region} {place}"
        units.append({"slug": slugify(name), "name": name})
    return units


def taxonomy_data(seed: int = 7) -> dict[str, list[dict[str, str]]]:
    """content/taxonomy.yaml with the synthetic units appended."""
    raw = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    raw["units"] = [*raw["units"], *synthetic_units(seed)]
    return raw


def taxonomy_yaml(data: dict[str, list[dict[str, str]]]) -> str:
    lines = ["# Synthetic taxonomy: content/taxonomy.yaml plus generated units (bench/synthetic.py)."]
    for key, items in data.items():
        lines.append(f"{key}:")
        lines.extend(
            "  - {" + ", ".join(f"{k}: {json.dumps(str(v), ensure_ascii=False)}" for k, v in i.items()) + "}"
            for i in items
        )
    return "\n".join(lines) + "\n"


# --- entries -----------------------------------------------------------------------------


@dataclass
class SyntheticEntry:
    """One generated innovation: the front matter (in model key order) and the Markdown body."""

    meta: dict[str, Any]
    body: str
    date: str  # for the Pelican and Hugo trees

    @property
    def slug(self) -> str:
        return str(self.meta["slug"])

    @property
    def text(self) -> str:
        """Everything searchable: title, expansion, summary, tags and body."""
        m = self.meta
        return " ".join([m["title"], m.get("expansion") or "", m["summary"], " ".join(m["tags"]), self.body])


@dataclass
class _Context:
    vocabulary: Vocabulary
    units: list[str]
    unit_cumulative: list[float]
    categories: list[str]
    profile: str = DEFAULT_PROFILE
    used_slugs: set[str] = field(default_factory=set)
    slugs: list[str] = field(default_factory=list)


def _sentence(
    rng: random.Random, ctx: _Context, low: int = 6, high: int = 16, extras: Sequence[str] = ()
) -> str:
    """A sentence of content words (Zipf) and function words, sometimes naming an extra."""
    length = rng.randint(low, high)
    words = ctx.vocabulary.sample(rng, length)
    for i in range(1, length):
        if rng.random() < FUNCTION_SHARE[ctx.profile]:
            words[i] = FUNCTION_WORDS[min(int(rng.expovariate(0.15)), len(FUNCTION_WORDS) - 1)]
    if extras and rng.random() < 0.25:
        words.insert(rng.randrange(1, length), rng.choice(extras))
    if rng.random() < 0.1:
        words.insert(rng.randrange(1, length), f"tahun {rng.randint(2010, 2026)}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _name(rng: random.Random, ctx: _Context) -> tuple[str, str | None]:
    """Title and expansion: an acronym, a hyphenated name or a descriptive phrase."""
    kind = rng.random()
    if kind < 0.35:
        words = [rng.choice(ACRONYM_HEADS), *ctx.vocabulary.sample_real(rng, rng.randint(2, 5))]
        expansion = " ".join(w.capitalize() for w in words)
        return "".join(w[0] for w in words).upper(), expansion
    if kind < 0.65:
        word = ctx.vocabulary.sample_real(rng, 1)[0].capitalize()
        title = f"{rng.choice(HYPHEN_PREFIXES)}-{word}"
        if rng.random() < 0.3:
            title += " " + ctx.vocabulary.sample_real(rng, 1)[0].capitalize()
        return title, None
    return " ".join(w.capitalize() for w in ctx.vocabulary.sample_real(rng, rng.randint(2, 5))), None


def _unique_slug(title: str, ctx: _Context) -> str:
    base = slugify(title) or "inovasi"
    slug, k = base, 1
    while slug in ctx.used_slugs:
        k += 1
        slug = f"{base}-{k}"
    ctx.used_slugs.add(slug)
    ctx.slugs.append(slug)
    return slug


def _body(rng: random.Random, ctx: _Context, title: str, unit: str | None) -> str:
    """2-4 paragraphs, 100-400 words, with some `## ` headings and bulleted lists."""
    target = rng.randint(100, 400)
    paragraphs = rng.randint(2, 4)
    extras = [title, *([unit] if unit else [])]
    opening = f"{title} adalah inovasi {unit or 'sebuah unit kerja'}."
    blocks: list[str] = []
    count = len(opening.split())
    for p in range(paragraphs):
        if p > 0 and rng.random() < 0.6:
            heading = " ".join(ctx.vocabulary.sample_real(rng, rng.randint(1, 3)))
            blocks.append("## " + heading.capitalize())
        sentences = [opening] if p == 0 else []
        budget = (target - count) // (paragraphs - p)
        used = 0
        while used < budget:
            sentence = _sentence(rng, ctx, extras=extras)
            sentences.append(sentence)
            used += len(sentence.split())
        count += used
        blocks.append(" ".join(sentences))
        if p > 0 and rng.random() < 0.4:
            items = [_sentence(rng, ctx, 3, 8) for _ in range(rng.randint(3, 5))]
            blocks.append("\n".join("- " + item for item in items))
    return "\n\n".join(blocks) + "\n"


def body_length(rng: random.Random) -> int:
    """Words in a realistic body: lognormal as fitted to the real catalogue, clipped at 3 sigma."""
    low, high = BODY_WORDS
    return min(high, max(low, round(rng.lognormvariate(BODY_LOG_MEAN, BODY_LOG_SD))))


def _prose(rng: random.Random, ctx: _Context, budget: int, extras: Sequence[str] = ()) -> list[str]:
    """Sentences of about `budget` words in all: the last one takes what is left.

    Only a sentence that names an extra or a year overshoots, by a few words.
    """
    sentences: list[str] = []
    while budget >= 3:
        length = rng.randint(6, 16)
        length = budget if budget - length < 6 else length
        sentences.append(_sentence(rng, ctx, length, length, extras))
        budget -= len(sentences[-1].split())
    return sentences


def _bullets(rng: random.Random, ctx: _Context, budget: int) -> list[str]:
    """A bulleted list of about `budget` words, counting each `-` as a word as `split()` does."""
    items: list[str] = []
    while budget >= 4 or not items:
        length = max(3, min(rng.randint(4, 12), budget - 1))
        items.append("- " + _sentence(rng, ctx, length, length))
        budget -= len(items[-1].split())
    return items


def _realistic_body(rng: random.Random, ctx: _Context, title: str, unit: str | None) -> str:
    """An introduction, then one or two `## ` sections of prose or bullets, `body_length` words in all.

    Every real entry has headings and a bulleted list (often "Catatan sumber"), so here both
    are the rule rather than the exception they are in the heavy profile.
    """
    left = body_length(rng)
    extras = [title, *([unit] if unit else [])]
    opening = f"{title} adalah inovasi {unit or 'sebuah unit kerja'}."
    sections = 1 if left < 90 or rng.random() < 0.4 else 2
    intro = [opening, *_prose(rng, ctx, round(left * rng.uniform(0.35, 0.6)) - len(opening.split()), extras)]
    blocks = [" ".join(intro)]
    left -= len(blocks[0].split())
    for s in range(sections, 0, -1):
        blocks.append("## " + " ".join(ctx.vocabulary.sample_real(rng, rng.randint(1, 3))).capitalize())
        left -= len(blocks[-1].split())
        budget = left if s == 1 else left // 2
        if rng.random() < (0.8 if s == 1 else 0.3):
            blocks.append("\n".join(_bullets(rng, ctx, budget)))
        else:
            blocks.append(" ".join(_prose(rng, ctx, budget, extras) or [_sentence(rng, ctx, 3, 6)]))
        left -= len(blocks[-1].split())
    return "\n\n".join(blocks) + "\n"


def _replication(rng: random.Random, ctx: _Context, year: int) -> dict[str, Any]:
    place = rng.choice(PLACE_HEADS) + " " + rng.choice(PLACE_TAILS)
    topic = " ".join(w.capitalize() for w in ctx.vocabulary.sample_real(rng, 2))
    return {
        "prerequisites": [
            {"type": rng.choice(PREREQUISITE_TYPES), "description": _sentence(rng, ctx, 4, 10)}
            for _ in range(rng.randint(0, 3))
        ],
        "legal_basis": [
            {
                "title": f"Peraturan Bupati {place} tentang {topic}",
                "number": str(rng.randint(1, 60)),
                "year": year,
            }
        ]
        if rng.random() < 0.4
        else [],
        "cost": f"Rp{rng.randint(5, 900)} juta" if rng.random() < 0.5 else None,
        "duration": f"{rng.randint(1, 18)} bulan" if rng.random() < 0.5 else None,
        "steps": [_sentence(rng, ctx, 4, 10) for _ in range(rng.randint(0, 5))],
        "documents": [],
        "replicated_by": [
            {
                "agency": ctx.units[rng.randrange(len(ctx.units))],
                "year": rng.randint(year, 2026),
                "status": "berjalan",
            }
            for _ in range(rng.choice((0, 0, 0, 1, 2)))
        ],
    }


def _summary(rng: random.Random, ctx: _Context, title: str) -> str:
    """One sentence of 12-28 words as in the real catalogue (median 20), or the heavy 1-2 sentences."""
    if ctx.profile == "realistic":
        return _sentence(rng, ctx, 12, 28, [title])
    return " ".join(_sentence(rng, ctx, 8, 20, [title]) for _ in range(rng.randint(1, 2)))


def make_entry(i: int, seed: int, ctx: _Context) -> SyntheticEntry:
    """Entry number `i`; depends only on `seed`, `i` and the slugs of entries before it."""
    rng = random.Random(f"entry:{seed}:{i}")
    title, expansion = _name(rng, ctx)
    slug = _unique_slug(title, ctx)
    unit = None if rng.random() < 0.05 else rng.choices(ctx.units, cum_weights=ctx.unit_cumulative)[0]
    category = None if rng.random() < 0.1 else rng.choice(ctx.categories)
    year = rng.randint(2010, 2026)
    kinds = sorted(rng.sample(range(3), rng.choice((0, 1, 1, 1, 2))))
    site = f"https://{slug[:40].strip('-')}.example.go.id"
    meta: dict[str, Any] = {
        "title": title,
        "slug": slug,
        "expansion": expansion,
        "summary": _summary(rng, ctx, title),
        "unit": unit,
        "category": category,
        "kind": [("digitalisasi", "deregulasi", "debirokratisasi")[k] for k in kinds],
        "year": year,
        "status": rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0],
        "tags": list(dict.fromkeys(ctx.vocabulary.sample_real(rng, rng.randint(2, 5)))),
        "awards": [f"Pemenang Anugerah Inovasi {year + 1}"] if rng.random() < 0.2 else [],
        "contact": {
            "name": f"Tim {title}",
            "email": f"inovasi@{site[8:]}",
            "phone": f"+62 21 {rng.randint(1000000, 9999999)}",
        }
        if rng.random() < 0.6
        else None,
        "sources": [f"{site}/berita/{year}/{k}" for k in range(1, rng.randint(2, 4))],
        "replication": _replication(rng, ctx, year),
    }
    if i > 10 and rng.random() < 0.05:
        meta["based_on"] = ctx.slugs[rng.randrange(i)]
    if rng.random() < 0.7:
        meta["last_verified"] = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(660))
    meta["synthetic"] = True
    body = (
        _realistic_body(rng, ctx, title, unit) if ctx.profile == "realistic" else _body(rng, ctx, title, unit)
    )
    date = f"{year}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
    return SyntheticEntry(meta, body, date)


def build_corpus(
    n: int, seed: int = 7, profile: str = DEFAULT_PROFILE
) -> tuple[list[SyntheticEntry], dict[str, Any]]:
    """The first `n` entries of corpus `seed` in `profile` and the extended taxonomy they use."""
    if profile not in PROFILES:
        msg = f"unknown profile {profile!r}; choose from {', '.join(PROFILES)}"
        raise ValueError(msg)
    taxonomy = taxonomy_data(seed)
    units = [u["name"] for u in taxonomy["units"]]
    random.Random(f"unit-order:{seed}").shuffle(units)
    ctx = _Context(
        vocabulary=open_vocabulary(seed) if profile == "realistic" else build_vocabulary(seed),
        units=units,
        unit_cumulative=list(itertools.accumulate(1 / (r + 1) ** 0.6 for r in range(len(units)))),
        categories=[c["name"] for c in taxonomy["categories"]],
        profile=profile,
    )
    return [make_entry(i, seed, ctx) for i in range(n)], taxonomy


# --- writers -----------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | dt.date):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _yaml_lines(data: dict[str, Any], indent: str = "") -> list[str]:
    """Block-style YAML like editors write (flow lists for short scalar lists)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines.extend(_yaml_lines(value, indent + "  "))
        elif isinstance(value, list) and (not value or key in {"kind", "tags"}):
            lines.append(f"{indent}{key}: [{', '.join(_scalar(v) for v in value)}]")
        elif isinstance(value, list):
            lines.append(f"{indent}{key}:")
            for item in value:
                if isinstance(item, dict):
                    first, *rest = _yaml_lines(item, indent + "    ")
                    lines.append(f"{indent}  - {first.lstrip()}")
                    lines.extend(rest)
                else:
                    lines.append(f"{indent}  - {_scalar(item)}")
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}")
    return lines


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


ABOUT_PAGE = """---
title: Tentang Katalog Sintetis
slug: tentang
summary: Katalog buatan untuk uji dan tolok ukur; setiap entri di sini fiktif.
---
Katalog ini dibuat oleh `bench/synthetic.py` untuk menguji kecepatan dan ukuran pencarian.
Semua entri bertanda `synthetic: true` dan tidak menggambarkan inovasi yang nyata.
"""


def write_katalog(entries: list[SyntheticEntry], taxonomy: dict[str, Any], out: Path) -> None:
    (out / "inovasi").mkdir(parents=True)
    (out / "pages").mkdir()
    _write(out / "taxonomy.yaml", taxonomy_yaml(taxonomy))
    _write(out / "pages" / "tentang.md", ABOUT_PAGE)
    for entry in entries:
        _write(
            out / "inovasi" / f"{entry.slug}.md",
            "---\n" + "\n".join(_yaml_lines(entry.meta)) + "\n---\n" + entry.body,
        )


PELICAN_CONF = '''"""Plain Pelican settings for the synthetic corpus (default theme, no plugins, no feeds)."""

SITENAME = "Katalog Sintetis"
SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "Asia/Jakarta"
DEFAULT_LANG = "id"
PLUGINS = []
ARTICLE_URL = "inovasi/{slug}/"
ARTICLE_SAVE_AS = "inovasi/{slug}/index.html"
DEFAULT_PAGINATION = 20
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
'''


def write_pelican(entries: list[SyntheticEntry], out: Path) -> None:
    (out / "content").mkdir(parents=True)
    _write(out / "pelicanconf.py", PELICAN_CONF)
    for entry in entries:
        m = entry.meta
        head = [
            f"Title: {m['title']}",
            f"Date: {entry.date}",
            f"Category: {m['category'] or 'misc'}",
            f"Tags: {', '.join(m['tags'])}",
            f"Slug: {entry.slug}",
            f"Summary: {m['summary']}",
        ]
        _write(out / "content" / f"{entry.slug}.md", "\n".join(head) + "\n\n" + entry.body)


HUGO_FILES = {
    "hugo.toml": """baseURL = "http://localhost:1313/"
locale = "id"
defaultContentLanguage = "id"
title = "Katalog Sintetis"
relativeURLs = true
buildFuture = true
disableKinds = ["rss", "sitemap", "robotstxt"]

[pagination]
pagerSize = 20
""",
    "layouts/_default/baseof.html": """<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
""",
    "layouts/_default/single.html": """{{ define "main" }}
<article><h1>{{ .Title }}</h1><p>{{ .Summary }}</p>{{ .Content }}</article>
{{ end }}
""",
    "layouts/_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range (.Paginate .Pages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ partial "pagination.html" . }}
{{ end }}
""",
    "layouts/index.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>{{ range (.Paginate site.RegularPages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ partial "pagination.html" . }}
{{ end }}
""",
}


def write_hugo(entries: list[SyntheticEntry], out: Path) -> None:
    for name, text in HUGO_FILES.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        _write(out / name, text)
    (out / "content" / "inovasi").mkdir(parents=True)
    for entry in entries:
        m = entry.meta
        head = {
            "title": m["title"],
            "date": entry.date,
            "slug": entry.slug,
            "summary": m["summary"],
            "tags": m["tags"],
        }
        lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()]
        _write(
            out / "content" / "inovasi" / f"{entry.slug}.md",
            "---\n" + "\n".join(lines) + "\n---\n" + entry.body,
        )


def generate(
    n: int, out: Path, seed: int = 7, formats: Sequence[str] = FORMATS, profile: str = DEFAULT_PROFILE
) -> Path:
    """Write the first `n` entries of corpus `seed` in each of `formats` under `out`; return `out`."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        msg = f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}"
        raise ValueError(msg)
    out = Path(out)
    entries, taxonomy = build_corpus(n, seed, profile)
    for name in formats:
        target = out / name
        if target.exists():
            shutil.rmtree(target)
        if name == "katalog":
            write_katalog(entries, taxonomy, target)
        elif name == "pelican":
            write_pelican(entries, target)
        else:
            write_hugo(entries, target)
    return out


# --- measuring a catalogue (where the realistic profile's constants come from) -------------

_LINK = re.compile(r"\]\([^)]*\)|https?://\S+|\{filename\}\S+")
_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Lower-case word forms; link targets and URLs are dropped, being addresses, not prose."""
    return _TOKEN.findall(_LINK.sub(" ", text.lower()))


def read_bodies(folder: Path) -> list[str]:
    """The Markdown bodies of `folder/*.md`: the text after the front matter's closing `---`."""
    return [p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in sorted(Path(folder).glob("*.md"))]


def _line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return slope, my - slope * mx


def zipf_exponent(documents: Sequence[Sequence[str]]) -> float:
    """Minus the log-log slope of frequency on rank, over the forms seen at least twice.

    Hapaxes are left out because in a small corpus they form a long flat tail that says
    more about the sample size than about the language.
    """
    counts = sorted(Counter(w for d in documents for w in d).values(), reverse=True)
    return -_line([(math.log(r), math.log(f)) for r, f in enumerate(counts, 1) if f >= 2])[0]


def heaps_fit(documents: Sequence[Sequence[str]], orders: int = 50) -> tuple[float, float]:
    """K and beta of V(n) = K * n^beta: distinct forms against running tokens, n >= 100.

    V(n) depends on which documents come first, so it is averaged over `orders` seeded
    shuffles of the documents (the first is their given order) before the log-log fit.
    """
    total = sum(len(d) for d in documents)
    grid = sorted({round(10 ** (k / 20)) for k in range(40, 200)} & set(range(100, total + 1)))
    sums = dict.fromkeys(grid, 0)
    rng = random.Random(0)
    order = list(range(len(documents)))
    for repeat in range(orders):
        if repeat:
            rng.shuffle(order)
        seen: set[str] = set()
        stream = (w for i in order for w in documents[i])
        marks = iter(grid)
        mark = next(marks)
        for n, word in enumerate(stream, 1):
            seen.add(word)
            if n == mark:
                sums[n] += len(seen)
                mark = next(marks, 0)
    slope, intercept = _line([(math.log(n), math.log(v / orders)) for n, v in sums.items()])
    return math.exp(intercept), slope


@dataclass(frozen=True)
class CorpusStats:
    """Body lengths (words, as `str.split` counts them) and word statistics of a catalogue."""

    entries: int
    median: float
    quartiles: tuple[float, float]
    shortest: int
    longest: int
    log_mean: float
    log_sd: float
    tokens: int
    forms: int
    zipf: float
    heaps_k: float
    heaps_beta: float


def measure(bodies: Sequence[str], orders: int = 50) -> CorpusStats:
    """The figures the realistic profile is fitted to, for any list of Markdown bodies."""
    lengths = [len(b.split()) for b in bodies]
    logs = [math.log(n) for n in lengths]
    documents = [tokens(b) for b in bodies]
    q1, median, q3 = statistics.quantiles(lengths, n=4)
    heaps_k, heaps_beta = heaps_fit(documents, orders)
    return CorpusStats(
        entries=len(bodies),
        median=median,
        quartiles=(q1, q3),
        shortest=min(lengths),
        longest=max(lengths),
        log_mean=statistics.fmean(logs),
        log_sd=statistics.stdev(logs),
        tokens=sum(len(d) for d in documents),
        forms=len({w for d in documents for w in d}),
        zipf=zipf_exponent(documents),
        heaps_k=heaps_k,
        heaps_beta=heaps_beta,
    )


def _size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def report(where: str, stats: CorpusStats) -> str:
    """`measure`'s figures as the three lines that bench/README.md quotes."""
    s = stats
    return (
        f"{where}: {s.entries} bodies, words median {s.median:g}, quartiles {s.quartiles[0]:g}-"
        f"{s.quartiles[1]:g}, range {s.shortest}-{s.longest}\n"
        f"lognormal fit: mu {s.log_mean:.3f}, sigma {s.log_sd:.3f} "
        f"(median exp(mu) = {math.exp(s.log_mean):.0f})\n"
        f"{s.tokens:,} tokens, {s.forms:,} forms; Zipf exponent {s.zipf:.2f} (forms seen twice or more); "
        f"Heaps V(n) = {s.heaps_k:.2f} * n^{s.heaps_beta:.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="number of entries")
    parser.add_argument("--out", type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: " + ",".join(FORMATS))
    parser.add_argument("--profile", choices=PROFILES, default=DEFAULT_PROFILE, help="default: %(default)s")
    parser.add_argument(
        "--measure", type=Path, metavar="DIR", help="only print the figures of DIR/*.md bodies"
    )
    args = parser.parse_args(argv)
    if args.measure:
        bodies = read_bodies(args.measure)
        if len(bodies) < 2:
            parser.error(f"--measure {args.measure}: needs at least two *.md files, found {len(bodies)}")
        print(report(str(args.measure), measure(bodies)))
        return 0
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.n is None or args.out is None:
        parser.error("--n and --out are required (or --measure DIR)")
    if args.n < 1 or any(f not in FORMATS for f in formats):
        parser.error(f"--n must be positive and --formats a subset of {','.join(FORMATS)}")
    start = time.perf_counter()
    generate(args.n, args.out, args.seed, formats, args.profile)
    seconds = time.perf_counter() - start
    for name in formats:
        files, size = _size(args.out / name)
        print(f"{args.out / name}: {files} files, {size / 1e6:.1f} MB", file=sys.stderr)
    print(f"{args.n} entries ({args.profile}) in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
