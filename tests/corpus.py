"""A corpus of bad and odd upload files, generated (never committed) from the valid upload files of
`tests/ingest_files.py` and the downloadable templates: hand-made hostile cases (zip bomb named .csv,
binary, NULs, empty, header only, duplicate headers, formula payloads, Unicode tricks) plus seeded random
mutations (truncation, byte flips, encodings, delimiters, ragged rows, unterminated quotes, huge fields).
The same seed always gives the same files, so a failure names a file that can be made again."""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from collections.abc import Callable

from innovisits.ingest import templates
from tests import ingest_files as f

SEED = 7
MUTANTS_PER_TEMPLATE = 30


def valid_templates() -> dict[str, bytes]:
    """The valid files every mutant starts from (each one is accepted as it is)."""
    found = {
        "report": f.REPORT.encode(),
        "report_big5": f.report_big5(),
        "visits": f.VISITS.encode(),
        "participants": f.PARTICIPANTS.encode(),
        "visit_technologies": f.VISIT_TECHNOLOGIES.encode(),
    }
    found.update({f"example_{kind}": templates.example(kind) for kind in templates.KINDS})
    return found


def _zip_bomb() -> bytes:
    """A small zip (a few kB) that would unpack to 50 MB, named .csv by its sender."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        member = zipfile.ZipInfo("visits.csv", date_time=(2020, 1, 1, 0, 0, 0))  # same bytes every time
        archive.writestr(member, b"0" * (50 << 20), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def handmade() -> dict[str, bytes]:
    """The named hostile cases, one each."""
    report = f.REPORT
    header, first, *_ = report.split("\n")
    return {
        "empty.csv": b"",
        "whitespace_only.csv": b" \r\n\t\n",
        "bom_only.csv": codecs.BOM_UTF8,
        "header_only.csv": (header + "\n").encode(),
        "header_only_template.csv": templates.template("visits"),
        "zip_bomb.csv": _zip_bomb(),
        "xlsx_renamed.csv": b"PK\x03\x04" + bytes(200),
        "pdf_renamed.csv": b"%PDF-1.7\n" + bytes(100),
        "random_binary.csv": random.Random(SEED).randbytes(4096),
        "nul_in_header.csv": report.replace("city", "ci\x00ty", 1).encode(),
        "nul_late_in_file.csv": (report + "x" * 9000 + "\x00\n").encode(),
        "nul_value_late.csv": (f.VISITS + "K6,2019-03-15,Shenzhen,\x00,enterprise,t,\n" * 300).encode(),
        "duplicate_headers.csv": report.replace("host", "city", 1).encode(),
        "all_headers_twice.csv": (header + "," + header + "\n" + first + "," + first + "\n").encode(),
        "formula_payloads.csv": report.replace("Lamp works", "=cmd|' /C calc'!A0")
        .replace("Lamps, poles", '@SUM(1+1)*cmd|""/C calc""!A0')
        .encode(),
        "formula_in_key.csv": report.replace("K5", "=1+1").encode(),
        "rtl_override_host.csv": report.replace("Lamp works", "Lamp\u202eskrow").encode(),
        "zero_width_department.csv": report.replace("FSD", "F\u200bSD").encode(),
        "fullwidth_digits_date.csv": report.replace("2019-03-14", "２０１９-０３-１４").encode(),
        "fullwidth_comma_delimiter.csv": report.replace(",", "，").encode(),
        "homoglyph_city.csv": report.replace("Shenzhen", "Shеnzhen").encode(),  # Cyrillic е
        "script_in_names.csv": report.replace("Lamp works", "<script>alert(1)</script>").encode(),
        "semicolon_delimited.csv": report.replace(",", ";").encode(),
        "tab_delimited.csv": report.replace(",", "\t").encode(),
        "mixed_delimiters.csv": report.replace(",", ";", 5).encode(),
        "cr_only_line_ends.csv": report.replace("\n", "\r").encode(),
        "utf16_le_bom.csv": report.encode("utf-16"),
        "utf16_le_no_bom.csv": report.encode("utf-16-le"),
        "utf32.csv": report.encode("utf-32"),
        "latin1.csv": report.replace("Lamp works", "Lampé wörks").encode("latin-1"),
        "shift_jis.csv": f.REPORT_ZH.replace("機電署", "EMSD").encode("utf-8").decode().encode("shift_jis", "replace"),
        "unterminated_quote.csv": report.replace('"Lamps', "Lamps").encode(),
        "quote_never_closed.csv": (report + '"K9,2019-01-01\n').encode(),
        "ragged_rows.csv": (report + "K5,2019-03-14\nK5,1,2,3,4,5,6,7,8,9,10,11,12,13\n").encode(),
        "huge_field.csv": report.replace("Lamp works", "x" * (3 << 20)).encode(),
        "huge_field_quoted_newlines.csv": report.replace("first line", "a\n" * 200_000).encode(),
        "many_columns.csv": (",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n").encode(),
        "long_header.csv": ("h" * 100_000 + "\n1\n").encode(),
        "only_commas.csv": b",,,,\n,,,,\n",
        "only_quotes.csv": b'""""""\n""\n',
        "sql_in_values.csv": report.replace("Lamp works", "x'); drop table visits; --").encode(),
        "path_in_values.csv": report.replace("Lamp works", "../../etc/passwd").encode(),
        "negative_and_huge_numbers.csv": (
            b"visit id,category id,interest score\nK1,robotics,-99999999999999999999\nK1,smart_pv,1e400\n"
        ),
        "dates_out_of_range.csv": report.replace("2019-03-14", "0000-00-00").encode(),
        "date_year_99999.csv": report.replace("2019-03-14", "99999-03-14").encode(),
        "emoji_everywhere.csv": report.replace("Lamp works", "🏭" * 1000).encode(),
        "surrogate_bytes.csv": report.encode().replace(b"Lamp", b"\xed\xa0\x80"),
        "overlong_utf8.csv": report.encode().replace(b"Lamp", b"\xc0\xaf"),
        **attacks(),
    }


# Attack classes found by the attack on a copy (issue 16): file name -> the reason code it must end in
# (None: it must be accepted). Each is generated by `attacks`, and also has its own test in tests/test_security_*.
ATTACKS: dict[str, str | None] = {
    "date_0001_01_01.csv": "date_out_of_range",
    "date_01_01_0001.csv": "date_out_of_range",
    "date_14_03_1500.csv": "date_out_of_range",
    "date_31_12_9999.csv": "date_out_of_range",
    "date_9999_12_31.csv": "date_out_of_range",
    "score_23_nines.csv": "out_of_range",
    "quoted_3_mb_value.csv": None,
    "row_of_5011_fields.csv": "too_many_fields",
    "quote_opened_mid_file.csv": "unclosed_quote",
    "invalid_utf8_ff_fe.csv": "not_text",
    "gb18030.csv": None,
}


def attacks() -> dict[str, bytes]:
    """The issue-16 upload attacks: extreme dates in every written form, a number beyond any float's
    precision, a long quoted value, a very wide row, a quote opened and never closed, bytes valid in no
    plausible encoding (a cp1250 guess would store mojibake), and a valid GB18030 file."""
    visit = "visit_id,visit_date,city,host,visit_type,title,notes\nK5,{date},Shenzhen,Lamp works,enterprise,t,\n"
    found = {
        f"date_{written.replace('-', '_').replace('/', '_')}.csv": visit.format(date=written).encode()
        for written in ("0001-01-01", "01/01/0001", "14/03/1500", "31/12/9999", "9999-12-31")
    }
    long_value = '"' + "a, b and ""c""\n" * 230_000 + '"'  # fmt: skip
    return {
        **found,
        "score_23_nines.csv": b"visit id,category id,interest score\nK1,robotics,99999999999999999999999\n",
        "quoted_3_mb_value.csv": visit.format(date="2019-03-14").replace(",t,", f",t,{long_value}").encode(),
        "row_of_5011_fields.csv": (visit.format(date="2019-03-14") + "K6," + ",".join("1" * 5010) + "\n").encode(),
        "quote_opened_mid_file.csv": (visit.format(date="2019-03-14") + 'K6,2019-03-15,"Shenzhen,x,,,\nK7,\n').encode(),
        "invalid_utf8_ff_fe.csv": visit.format(date="2019-03-14").encode().replace(b"Lamp", b"Bad \xff\xfe"),
        "gb18030.csv": f.REPORT_ZH.encode("gb18030"),
    }


# Files an operator might place straight in a data directory: case -> (path in it, bytes, the column the
# message must name, or None). The store must name the file and column without SQL or server paths.
DATA_DIR_FILES: dict[str, tuple[str, bytes, str | None]] = {
    "far date": ("visits/extra.csv", b"visit_id,visit_date,city\nX1,9999-12-31,Shenzhen\n", "visit_date"),
    "ancient date": ("visits/extra.csv", b"visit_id,visit_date,city\nX1,0001-01-01,Shenzhen\n", "visit_date"),
    "bad date": ("visits/extra.csv", b"visit_id,visit_date,city\nX1,2019-13-45,Shenzhen\n", "visit_date"),
    "misspelt column": ("visits/extra.csv", b"visit_idd,visit_date,city\nX1,2019-03-01,Shenzhen\n", "visit_idd"),
    "corrupt parquet": ("visits/part-9.parquet", b"PAR1 not really a parquet file PAR1", None),
    "bad score": (
        "visit_technologies/extra.csv",
        b"visit_id,category_id,interest_score\nK1,robotics,lots\n",
        "interest_score",
    ),
}

# Shared-link dates the date filters cannot show (the known data's first visit is 2019-01-10).
LINK_DATES = [("to", "2018-01-01"), ("from", "9999-12-31"), ("to", "0001-01-01"), ("from", "2101-01-01")]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _insert_bytes(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.choice([b"\x00", b'"', b"\r", b"\n", b",", b"\xff\xfe", b"\xe2\x80\xae", b";"]) + data[at:]


def _reencode(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8-sig", errors="replace")
    encoding = rng.choice(["utf-16-le", "utf-16-be", "latin-1", "cp1252", "gb18030", "shift_jis", "utf-7", "koi8-r"])
    return text.encode(encoding, errors="replace")


def _delimiters(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    lines[at] = lines[at].replace(b",", rng.choice([b";", b"\t", b"|", b"\xef\xbc\x8c"]))
    return b"\n".join(lines)


def _ragged(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    cells = lines[at].split(b",")
    lines[at] = b",".join(cells[: rng.randrange(len(cells) + 1)] if rng.random() < 0.5 else cells + [b"extra"] * 3)
    return b"\n".join(lines)


def _quote(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + b'"' + data[at:]


def _huge_field(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    lines[at] = lines[at] + b"x" * rng.randrange(50_000, 400_000)
    return b"\n".join(lines)


def _duplicate_rows(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join([*lines, *rng.sample(lines[1:] or lines, k=1) * rng.randint(1, 3)])


def _unicode_trick(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    trick = rng.choice(["\u202e", "\u200b", "\ufeff", "\u00a0", "\u2028", "\u0301", "０１２", "\U0001f600"])
    at = rng.randrange(len(text))
    return (text[:at] + trick + text[at:]).encode("utf-8")


def _formula(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    cells = lines[at].split(b",")
    cells[rng.randrange(len(cells))] = rng.choice([b"=1+1", b"@SUM(A1)", b"+cmd", b"-2+3", b'=HYPERLINK("x")'])
    lines[at] = b",".join(cells)
    return b"\n".join(lines)


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": _truncate,
    "flip": _flip_bytes,
    "insert": _insert_bytes,
    "reencode": _reencode,
    "delimiters": _delimiters,
    "ragged": _ragged,
    "quote": _quote,
    "huge_field": _huge_field,
    "duplicate_rows": _duplicate_rows,
    "unicode": _unicode_trick,
    "formula": _formula,
}


def mutants() -> dict[str, bytes]:
    """Seeded mutations of every valid template, one to three mutators stacked on each."""
    rng = random.Random(SEED)
    found = {}
    for name, data in valid_templates().items():
        for i in range(MUTANTS_PER_TEMPLATE):
            chosen = rng.sample(sorted(MUTATORS), k=rng.randint(1, 3))
            mutated = data
            for mutator in chosen:
                mutated = MUTATORS[mutator](mutated, rng) or mutated
            found[f"{name}-{i:02d}-{'+'.join(chosen)}.csv"] = mutated
    return found


def corpus() -> dict[str, bytes]:
    """File name -> bytes: the hand-made cases and the mutants."""
    return {**handmade(), **mutants()}
