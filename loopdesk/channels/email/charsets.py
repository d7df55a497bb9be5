"""Charset labels as mail clients write them, and decoding that never raises.

Mail in the wild declares charsets that are wrong, bogus or narrower than what was really
written (a "gb2312" body with GBK-only characters, "big5" with Hong Kong characters,
"iso-2022-jp" with NEC special characters from Outlook). The rules, in order:

1. map the label through an alias map to the widest compatible codec
   (gb2312/gbk/cp936 -> gb18030, big5 -> big5hkscs, shift_jis -> cp932, ...);
2. decode strictly with it; if that fails (or the label is unknown), try UTF-8, then
   statistical detection with ``charset-normalizer`` on a bounded sample;
3. decode with replacement characters as the last resort.

Detection only runs when the declared charset does not decode cleanly, so ordinary mail
pays nothing for it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Labels mail clients use -> Python codec names. Keys are normalised: lower case, no
# quotes, underscores and spaces as hyphens.
_ALIASES: dict[str, str] = {
    # Simplified Chinese: always the superset.
    "gb2312": "gb18030",
    "gb-2312": "gb18030",
    "iso-gb2312": "gb18030",
    "x-gb2312": "gb18030",
    "gb2312-80": "gb18030",
    "gb-2312-80": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "csgbk": "gb18030",
    "gb18030": "gb18030",
    "gb-18030": "gb18030",
    "hz-gb-2312": "hz",
    # Traditional Chinese.
    "big5": "big5hkscs",
    "big-5": "big5hkscs",
    "x-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
    "ms950": "cp950",
    "windows-950": "cp950",
    # Japanese.
    "shift-jis": "cp932",
    "shift-jis-2004": "shift_jis_2004",
    "shiftjis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms-kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "cp932": "cp932",
    "ms932": "cp932",
    "euc-jp": "euc_jis_2004",
    "x-euc-jp": "euc_jis_2004",
    "eucjp": "euc_jis_2004",
    "iso-2022-jp": "iso2022_jp_ext",
    "iso-2022-jp-1": "iso2022_jp_ext",
    "iso-2022-jp-2": "iso2022_jp_2",
    "iso-2022-jp-3": "iso2022_jp_3",
    "iso-2022-jp-2004": "iso2022_jp_2004",
    "csiso2022jp": "iso2022_jp_ext",
    "cp50220": "iso2022_jp_ext",
    "cp50221": "iso2022_jp_ext",
    "cp50222": "iso2022_jp_ext",
    # Korean.
    "ks-c-5601-1987": "cp949",
    "ks-c-5601": "cp949",
    "ksc5601": "cp949",
    "ksc-5601": "cp949",
    "euc-kr": "cp949",
    "euckr": "cp949",
    "x-euc-kr": "cp949",
    "cp949": "cp949",
    "uhc": "cp949",
    "iso-2022-kr": "iso2022_kr",
    # Unicode.
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "x-utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "unicode": "utf-8",
    "utf-7": "utf-7",
    "utf7": "utf-7",
    "x-utf-7": "utf-7",
    "unicode-1-1-utf-7": "utf-7",
    "unicode-2-0-utf-7": "utf-7",
    "x-unicode-2-0-utf-7": "utf-7",
    "csunicode11utf7": "utf-7",
    "utf-16": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    # Western: latin-1 labels are really windows-1252 in practice (WHATWG does the same).
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi-x3.4-1968": "ascii",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso-8859-1:1987": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "windows-1252": "cp1252",
    "win-1252": "cp1252",
    "cp1252": "cp1252",
    "x-cp1252": "cp1252",
    "iso-8859-15": "iso8859_15",
    "latin-9": "iso8859_15",
    "windows-1250": "cp1250",
    "windows-1251": "cp1251",
    "windows-1253": "cp1253",
    "windows-1254": "cp1254",
    "windows-1257": "cp1257",
    "koi8-r": "koi8_r",
    "koi8-u": "koi8_u",
    "tis-620": "cp874",
    "windows-874": "cp874",
}

# Labels that say "we do not know": skip straight to UTF-8 and detection.
_UNKNOWN = {
    "",
    "x-unknown",
    "unknown",
    "unknown-8bit",
    "x-user-defined",
    "default",
    "charset",
    "none",
    "8bit",
    "binary",
}

# Mappings too common and too harmless to note.
_QUIET = {"cp1252", "utf-8", "ascii"}
_SINGLE_BYTE = {
    "cp1252",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8_r",
    "koi8_u",
    "latin_1",
}

_DOUBLE_BYTE = {"gb18030", "big5hkscs", "cp950", "cp932", "cp949", "euc_jis_2004", "shift_jis_2004"}

_LABEL_JUNK = re.compile(r"[\"'\s]")
DETECT_SAMPLE = 64 * 1024  # bytes given to charset-normalizer
GUESS_SAMPLE = 16 * 1024  # bytes scored by guess()


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # codec really used
    note: str = ""  # set when the label was mapped, detected or replaced


def normalize_label(label: str | None) -> str:
    value = _LABEL_JUNK.sub("", (label or "")).lower().replace("_", "-")
    # "utf-8*en" (RFC 2231 language suffix) and "charset=utf-8" typos.
    value = value.split("*", 1)[0]
    if value.startswith("charset="):
        value = value[8:]
    return value.strip(";,")


def codec_for(label: str | None) -> str | None:
    """The Python codec for a mail charset label, or None when unknown."""
    value = normalize_label(label)
    if value in _UNKNOWN:
        return None
    mapped = _ALIASES.get(value)
    if mapped:
        return mapped
    try:
        name = codecs.lookup(value).name
    except (LookupError, ValueError):
        return None
    # Never let a label pick a codec that is not a text encoding (e.g. "base64", "rot13").
    if name in {"base64", "hex", "rot-13", "uu", "zlib", "bz2", "quopri"} or name.endswith(
        "_codec"
    ):
        return None
    return name


_ISO2022_ESC = re.compile(rb"\x1b(\$[@B]|\$\(D|\([BJHI]|\$A|\$\([OPQ])")


def _iso2022jp_via_cp932(data: bytes) -> str:
    """ISO-2022-JP as Outlook writes it (CP50220/50221): JIS X 0208 plus NEC and IBM
    extensions, half-width katakana. Converted pair by pair to Shift_JIS, then cp932."""
    out = bytearray()
    mode = "ascii"
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b == 0x1B:
            m = _ISO2022_ESC.match(data, i)
            if m:
                seq = m.group(1)
                if seq in (b"$@", b"$B", b"$(Q", b"$(O"):
                    mode = "jis"
                elif seq == b"(I":
                    mode = "kana"
                else:
                    mode = "ascii"
                i = m.end()
                continue
            i += 1
            continue
        if b == 0x0E:  # SO: half-width katakana
            mode = "kana"
            i += 1
            continue
        if b == 0x0F:
            mode = "ascii"
            i += 1
            continue
        if b in (0x0A, 0x0D):
            out.append(b)
            i += 1
            continue
        if mode == "jis" and i + 1 < n and 0x21 <= b <= 0x7E and 0x21 <= data[i + 1] <= 0x7E:
            j1, j2 = b, data[i + 1]
            s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
            if j1 & 1:
                s2 = j2 + 0x1F
                if s2 >= 0x7F:
                    s2 += 1
            else:
                s2 = j2 + 0x7E
            out += bytes((s1, s2))
            i += 2
            continue
        if mode == "kana" and 0x21 <= b <= 0x5F:
            out.append(b + 0x80)
        else:
            out.append(b)
        i += 1
    return out.decode("cp932", errors="replace")


_LATIN_PUNCT = set("€‚„…†‡ˆ‰‹‘’“”•–—˜™›«»°§©®×·¿¡¢£¥¦¨ª¬¯±²³´µ¶¸¹º¼½¾÷")


def _sample_decode(data: bytes, codec: str) -> str | None:
    """Strict decode of a sample; a multi-byte character cut at the end is forgiven."""
    sample = data[:GUESS_SAMPLE]
    try:
        return sample.decode(codec)
    except UnicodeDecodeError as exc:
        if len(data) > GUESS_SAMPLE and exc.start >= len(sample) - 4:
            try:
                return sample[: exc.start].decode(codec)
            except UnicodeDecodeError:
                return None
        return None
    except (LookupError, ValueError):
        return None


def _share(chars: list[str], test) -> float:
    return sum(1 for c in chars if test(c)) / len(chars) if chars else 0.0


def _gb_common(c: str) -> bool:
    try:
        lead = c.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xD7  # punctuation, level-1 hanzi


def _big5_common(c: str) -> bool:
    try:
        lead = c.encode("big5")[0]
    except UnicodeEncodeError:
        return False
    return 0xA1 <= lead <= 0xC6  # symbols and the frequent hanzi block


def _jis_common(c: str) -> bool:
    if "\u3040" <= c <= "\u30ff":  # kana (half-width kana are too rare to count)
        return True
    try:
        lead = c.encode("cp932")[0]
    except UnicodeEncodeError:
        return False
    return 0x81 <= lead <= 0x84 or 0x88 <= lead <= 0x98  # symbols, level-1 kanji


def _hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3" or c in "　、。·〈〉《》「」"


_CJK_TESTS = (
    ("gb18030", _gb_common),
    ("big5hkscs", _big5_common),
    ("cp932", _jis_common),
    ("cp949", _hangul),
)


def guess(data: bytes) -> str | None:
    """A cheap, deterministic guess for undeclared or mislabelled 8-bit text, tuned for
    the mail a Chinese/Japanese/Western helpdesk gets: double-byte CJK codecs scored by
    how much of the text falls among each script's common characters; Western text by
    sparse accented letters. None when nothing is convincing (then statistics decide)."""
    if data.isascii():
        return None
    if _double_byte_plausible(data, 0.5):
        scores: dict[str, float] = {}
        decoded: dict[str, str] = {}
        for codec, test in _CJK_TESTS:
            text = _sample_decode(data, codec)
            if text is None:
                continue
            chars = [c for c in text if ord(c) > 0x7F]
            scores[codec] = _share(chars, test)
            decoded[codec] = text
        good = [codec for codec, _ in _CJK_TESTS if scores.get(codec, 0.0) >= 0.9]
        if "cp932" in good and any("\u3040" <= c <= "\u30ff" for c in decoded["cp932"]):
            return "cp932"  # kana: Japanese
        if "cp949" in good and "gb18030" in good:
            # EUC-KR Hangul and GB2312 hanzi share byte ranges; Korean separates words.
            hangul = sum(1 for c in decoded["cp949"] if "\uac00" <= c <= "\ud7a3")
            if decoded["cp949"].count(" ") >= 0.08 * max(hangul, 1):
                return "cp949"
            return "gb18030"
        if good:
            return max(good, key=lambda codec: scores[codec])
    text = _sample_decode(data, "cp1252")
    if text is not None:
        chars = [c for c in text if ord(c) > 0x7F]
        letters = sum(1 for c in text if c.isalpha())
        accented = sum(1 for c in chars if c.isalpha())
        if (
            chars
            and all(c.isalpha() or c in _LATIN_PUNCT for c in chars)
            and accented <= 0.3 * max(letters, 1)
        ):
            return "cp1252"
    return None


def _detect(data: bytes) -> str | None:
    """charset-normalizer's best guess for a bounded sample, or None."""
    if not data:
        return None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:DETECT_SAMPLE]).best()
    except Exception:  # noqa: BLE001 - detection is best effort
        return None
    if best is None:
        return None
    return codec_for(best.encoding) or best.encoding


def _high_bytes(data: bytes) -> int:
    return len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def decode_bytes(
    data: bytes, label: str | None = None, *, detect: bool = True, hint: str | None = None
) -> Decoded:
    """Decode ``data`` declared as ``label``. Never raises.

    ``hint`` is a codec to try before detection (e.g. the charset of another part of the
    same message, for undeclared 8-bit text). ``detect=False`` skips charset-normalizer
    (used for short header fragments, where statistics mean little).
    """
    if not data:
        return Decoded("", codec_for(label) or "ascii")
    raw_label = normalize_label(label)
    codec = codec_for(label)
    note = ""
    if (
        codec
        and raw_label
        and codec not in _QUIET
        and codecs.lookup(codec).name != _safe_lookup(raw_label)
    ):
        note = f"{raw_label} decoded as {codec}"

    if codec:
        if codec == "ascii":
            if data.isascii():
                return Decoded(data.decode("ascii"), "ascii")
        else:
            if not data.isascii() and (
                codec in _SINGLE_BYTE or (codec in _DOUBLE_BYTE and _high_bytes(data) >= 12)
            ):
                # Declared latin-1, GBK and the like but valid UTF-8: that is what it
                # really is (legacy text is practically never valid UTF-8 by chance).
                text = _strict(data, "utf-8")
                if text is not None:
                    return Decoded(text, "utf-8", f"declared {raw_label}, decoded as utf-8")
            text = _strict(data, codec)
            if text is not None:
                return Decoded(text, codec, note)
            if codec.startswith("iso2022_jp"):
                return Decoded(
                    _iso2022jp_via_cp932(data),
                    "cp932",
                    f"{raw_label} decoded as cp50220 (via cp932)",
                )
    elif raw_label and raw_label not in _UNKNOWN:
        note = f"unknown charset {raw_label!r}"

    if codec is None and data.isascii() and b"\x1b" not in data:
        return Decoded(data.decode("ascii"), "ascii", note if raw_label not in _UNKNOWN else "")
    # The declared charset failed (or there was none): the usual suspects, then statistics.
    if data.isascii() and b"\x1b$" in data:
        return Decoded(_iso2022jp_via_cp932(data), "cp932", _join(note, "undeclared iso-2022-jp"))
    for candidate in ("utf-8", codec_for(hint) if hint else None):
        if candidate and candidate != codec and candidate != "ascii":
            text = _strict(data, candidate)
            if text is not None:
                return Decoded(
                    text,
                    candidate,
                    _join(note, f"declared {raw_label or 'none'}, decoded as {candidate}"),
                )
    guessed = guess(data)
    if guessed and guessed != codec:
        text = _strict(data, guessed)
        if text is None:
            text = data.decode(guessed, errors="replace")
        return Decoded(
            text, guessed, _join(note, f"declared {raw_label or 'none'}, detected {guessed}")
        )
    if detect:
        found = _detect(data)
        if found and found != codec:
            text = _strict(data, found)
            if text is None and len(data) > DETECT_SAMPLE:
                text = data.decode(found, errors="replace")
            if text is not None:
                return Decoded(
                    text, found, _join(note, f"declared {raw_label or 'none'}, detected {found}")
                )
    fallback = codec if codec and codec != "ascii" else "utf-8"
    try:
        text = data.decode(fallback, errors="replace")
    except (LookupError, ValueError):
        fallback = "utf-8"
        text = data.decode("utf-8", errors="replace")
    return Decoded(text, fallback, _join(note, f"{fallback} with replacement characters"))


def decode_8bit_header(data: bytes, hint: str | None = None) -> Decoded:
    """Raw 8-bit bytes in a header (no RFC 2047): UTF-8, the message's charset, then
    guess() (common CJK codecs, sparse-accent Western), else windows-1252."""
    if data.isascii():
        return Decoded(data.decode("ascii"), "ascii")
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    hint_codec = codec_for(hint) if hint else None
    if hint_codec and hint_codec not in ("ascii", "utf-8"):
        text = _strict(data, hint_codec)
        if text is not None:
            return Decoded(text, hint_codec, f"8-bit header decoded as {hint_codec}")
    guessed = guess(data)
    if guessed:
        text = _strict(data, guessed)
        if text is not None:
            return Decoded(text, guessed, f"8-bit header decoded as {guessed}")
    if _double_byte_plausible(data):
        text = _strict(data, "gb18030")
        if text is not None and _mostly_cjk(text):
            return Decoded(text, "gb18030", "8-bit header decoded as gb18030")
    return Decoded(
        data.decode("cp1252", errors="replace"), "cp1252", "8-bit header decoded as cp1252"
    )


def _double_byte_plausible(data: bytes, max_ascii_trail: float = 0.25) -> bool:
    """Chinese/Japanese double-byte text mostly pairs two 8-bit bytes; Latin-1 text has
    single 8-bit bytes followed by ASCII letters ("M\xfcller")."""
    pairs = ascii_trail = 0
    i, n = 0, len(data)
    while i < n:
        if data[i] < 0x80:
            i += 1
            continue
        pairs += 1
        if i + 1 >= n or data[i + 1] < 0x80:
            ascii_trail += 1
        i += 2
    return pairs > 0 and ascii_trail <= pairs * max_ascii_trail


def _mostly_cjk(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return True
    cjk = sum(
        1
        for c in non_ascii
        if "\u4e00" <= c <= "\u9fff"
        or "\u3000" <= c <= "\u30ff"
        or "\uff00" <= c <= "\uffef"
        or "\u3400" <= c <= "\u4dbf"
    )
    return cjk / len(non_ascii) >= 0.9


def _safe_lookup(label: str) -> str:
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return label


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a and b else (a or b)
