"""Majalah Inovasi: the catalogue printed as an A4 PDF (`katalog majalah`, `make majalah`).

The pipeline reads as its modules: `collect` (the published entries, validated as the
build validates them) → `layout` (what each page shows, computed once in Python) → `qr`
(a code per entry to its page on the public site) → `render` (Jinja templates and a
print stylesheet, laid out by WeasyPrint). Only `render` imports WeasyPrint, from the
``majalah`` extra, so `make html` never needs it.
"""
