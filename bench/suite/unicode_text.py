# Unicode: UTF-8/UTF-16 encode and decode, normalization, casefold, categories.
# half: train
import unicodedata

TEXT = "Grüße aus Köln, 東京, Москва, café naïve résumé ﬁne Ǆ " * 40


def bench():
    total = 0
    for _ in range(240):
        b = TEXT.encode("utf-8")
        total += len(b.decode("utf-8")) + len(TEXT.encode("utf-16")) + len(TEXT.encode("latin-1", "replace"))
        total += len(unicodedata.normalize("NFD", TEXT)) + len(unicodedata.normalize("NFKC", TEXT))
        total += len(TEXT.casefold()) + len(TEXT.upper())
    letters = sum(1 for ch in TEXT if unicodedata.category(ch).startswith("L"))
    return total, letters
