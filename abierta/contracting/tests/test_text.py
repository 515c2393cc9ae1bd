import random
import unicodedata

from abierta.contracting.text import normalize, search_document


def reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def test_examples() -> None:
    assert normalize("Construcción  ÑUÑOA") == "construccion nunoa"
    assert normalize("  GESTIÓN\tDOCUMENTAL\n") == "gestion documental"
    assert normalize("Ça va\u00a0bien, naïve") == "ca va bien, naive"
    assert search_document("Pavimentación", None, "", "Alcaldía") == "pavimentacion alcaldia"


def test_fast_path_equals_unicode_decomposition() -> None:
    alphabet = "abcnñzABNÑZáéíóúüÁÉÍÓÚÜàèìòùâêîôûãõäëïöçÇŒœßﬁ№ \u00a0\t\n"
    rng = random.Random(4)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert normalize(text) == reference(text), repr(text)
