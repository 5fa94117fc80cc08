"""Accuracy of the pairing of English and Chinese exchanges, on the real conferences of
../shared/real-pages (labelled in tests/data/real_pairs.toml). Writes bench/PAIRING.md.

    python bench/pairing.py

Three measures, each over every conference:
* as published: the alignment against the hand labels (every exchange one to one);
* cuts: each exchange removed in turn from one language (its question and answers) — the
  one reported missing must be exactly it, with nothing merged;
* merges: each follow-up joined in turn to the exchange before it in the Chinese text (its
  question's and answer's speaker labels dropped) — the alignment should say the English
  two are one Chinese exchange; otherwise it reports the English second one as missing.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.decode import decode_html  # noqa: E402
from crawler.extract import extract  # noqa: E402
from storage.text.exchanges import build_exchanges  # noqa: E402
from storage.text.names import load_names  # noqa: E402
from storage.text.pairing import SPLIT, pair_exchanges  # noqa: E402
from storage.text.turns import speaker_of, split_turns  # noqa: E402

PAGES = REPO.parent / "shared" / "real-pages" / "fmprc-2020"
LABELS = tomllib.loads((REPO / "tests" / "data" / "real_pairs.toml").read_text("utf-8"))


def text(name: str) -> tuple[str, str]:
    html, _ = decode_html((PAGES / name).read_bytes())
    transcript = extract(html, f"https://www.fmprc.gov.cn/{name}")
    return transcript.text, transcript.title


def exchanges(body: str, title: str) -> list[dict]:
    return build_exchanges(body, split_turns(body, title), load_names())


def main() -> int:
    if not PAGES.exists():
        print(f"no real pages at {PAGES}", file=sys.stderr)
        return 1
    rows, totals = [], {"published": [0, 0], "cuts": [0, 0], "merges": [0, 0]}
    for conference in LABELS["conference"]:
        texts = {lang: text(conference[f"{lang}_file"]) for lang in ("en", "zh")}
        full = {lang: exchanges(*texts[lang]) for lang in texts}
        result = pair_exchanges(full["en"], full["zh"])
        published = [list(p) for p in result.matched] == conference["matched"] and not (
            result.missing_in_en or result.missing_in_zh or result.merged)
        cuts = [0, 0]
        for lang, other in (("en", "zh"), ("zh", "en")):
            kept = {e: z for e, z in conference["matched"]}
            if lang == "zh":
                kept = {z: e for e, z in conference["matched"]}
            for exchange in (e for e in full[lang] if e["index"]):
                paragraphs = [p for p in texts[lang][0].split("\n") if p.strip()]
                cut_text = "\n".join(paragraphs[:exchange["start"]]
                                     + paragraphs[exchange["end"]:])
                cut = exchanges(cut_text, texts[lang][1])
                sides = {lang: cut, other: full[other]}
                got = pair_exchanges(sides["en"], sides["zh"])
                missing = got.missing_in_en if lang == "en" else got.missing_in_zh
                cuts[1] += 1
                cuts[0] += missing == [kept[exchange["index"]]] and not got.merged
        merges = [0, 0]
        asked = [e for e in full["zh"] if e["index"]]
        for k in range(1, len(asked)):
            paragraphs = [p for p in texts["zh"][0].split("\n") if p.strip()]
            follow = asked[k]
            for i in range(follow["start"], follow["end"]):
                if speaker_of(paragraphs[i]):
                    paragraphs[i] = paragraphs[i].split("：", 1)[1]
            joined = exchanges("\n".join(paragraphs), texts["zh"][1])
            got = pair_exchanges(full["en"], joined)
            merges[1] += 1
            merges[0] += got.merged == [{"en": [k, k + 1], "zh": [k]}] and not (
                got.missing_in_en or got.missing_in_zh)
        rows.append((conference["date"], len(asked), published, cuts, merges))
        totals["published"][0] += published
        totals["published"][1] += 1
        for key, value in (("cuts", cuts), ("merges", merges)):
            totals[key][0] += value[0]
            totals[key][1] += value[1]
    lines = ["# Pairing the two languages: accuracy on real conferences", "",
             "`python bench/pairing.py` (the method is in its docstring); "
             f"`SPLIT = {SPLIT}` in storage/text/pairing.py.", "",
             "| conference | exchanges | as published | cuts reported exactly | "
             "merges recognised |", "|---|---|---|---|---|"]
    for date, count, published, cuts, merges in rows:
        lines.append(f"| {date} | {count} | {'yes' if published else '**no**'} | "
                     f"{cuts[0]}/{cuts[1]} | {merges[0]}/{merges[1]} |")
    lines.append(f"| **all** | | {totals['published'][0]}/{totals['published'][1]} | "
                 f"{totals['cuts'][0]}/{totals['cuts'][1]} | "
                 f"{totals['merges'][0]}/{totals['merges'][1]} |")
    report = "\n".join(lines) + "\n"
    (REPO / "bench" / "PAIRING.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
