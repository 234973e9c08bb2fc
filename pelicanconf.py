"""Kemensetneg's catalogue: the engine's settings, then this site's identity.

Development settings (relative URLs, drafts shown); `publishconf.py` extends them.
`katalog build` and `make html` read this file. Every engine setting, and what it does,
is in `katalog/settings.py`.
"""

from katalog.settings import *  # noqa: F403 - the engine's defaults; the site sets its identity below

SITENAME = "Katalog Inovasi Kemensetneg"
SITE_TAGLINE = (
    "Inovasi unit kerja Kementerian Sekretariat Negara, untuk dicari, dibandingkan, dan direplikasi"
)
KATALOG_AGENCY = "Kementerian Sekretariat Negara"
AUTHOR = KATALOG_AGENCY
KATALOG_PUBLIC_URL = "http://localhost:8000"  # publishconf.py sets the public address

# What Kemensetneg has said publicly about how many innovations its units made: the home
# and about pages set the catalogue's count against it ("36 dari 153 inovasi tercatat").
KATALOG_REPORTED_TOTAL = {
    "count": 153,
    "label": (
        "jumlah inovasi yang dihasilkan unit-unit kerja Kemensetneg selama lima tahun, "
        "menurut pernyataan Kemensetneg pada Februari 2020"
    ),
    "source": "https://www.setneg.go.id/baca/index/diseminasikan_beragam_inovasi_kemensetneg_sambangi_pr",
    "note": (
        "Sebagian entri katalog ini berasal dari sebelum atau sesudah kurun itu, "
        "jadi tidak semuanya termasuk dalam angka tersebut."
    ),
}

# The foreword of the printed Majalah Inovasi (`make majalah`): what the catalogue is and how
# to read it, and nothing the catalogue itself does not show.
KATALOG_MAJALAH_PENGANTAR = """\
Majalah ini adalah cetakan Katalog Inovasi Kemensetneg. Katalog itu menghimpun inovasi
unit-unit kerja Kementerian Sekretariat Negara dari sumber publik, agar inovasi mudah dicari,
dibandingkan, dan ditiru oleh instansi lain.

Setiap inovasi mendapat satu halaman: ringkasan, fakta pokok, bekal replikasi yang sudah
diketahui, dan sumber publiknya. Isian yang belum diketahui tidak dicetak. Inovasi disusun
menurut unit kerja, seperti dalam daftar isi; indeks kata kunci ada di bagian akhir.

Kode QR di setiap halaman membuka halaman inovasi itu di situs katalog. Di sana ada uraian
lengkap dan isian yang ditambahkan sesudah majalah ini dicetak. Koreksi dan sumber baru
dapat diajukan mengikuti panduan kontribusi di situs yang sama.
"""
