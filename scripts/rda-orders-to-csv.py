#!/usr/bin/env python3
"""Decode rfm_data_orders.rda (R package `rfm`, rsquaredacademy/rfm, MIT) into a CSV.

Usage: python3 scripts/rda-orders-to-csv.py data/rfm_data_orders.rda out.csv

An .rda file is a compressed (gzip, bzip2 or xz) R serialization stream in the
XDR (big-endian) format, version 2 or 3, holding a pairlist of named objects.
This reader decodes the subset of that format a data.frame/tibble of character,
Date (double, days since 1970-01-01), integer and double columns needs, and
writes the columns customer_id, order_date (YYYY-MM-DD) and revenue.
"""
import bz2
import csv
import datetime
import gzip
import lzma
import struct
import sys

NILVALUE, REFSXP, GLOBALENV, EMPTYENV, BASEENV = 254, 255, 253, 242, 241
UNBOUNDVALUE, MISSINGARG, BASENAMESPACE = 252, 251, 250
NAMESPACESXP, PACKAGESXP, PERSISTSXP, ALTREP = 249, 248, 247, 238
ATTRLANGSXP, ATTRLISTSXP = 240, 239
NA_INTEGER = -(2**31)


def decompress(raw: bytes) -> bytes:
    if raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    if raw[:3] == b"BZh":
        return bz2.decompress(raw)
    if raw[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(raw)
    return raw


class RObj:
    """A decoded R object: its type code, value and attributes (name → RObj)."""

    def __init__(self, sxp, value, attrs=None):
        self.sxp, self.value, self.attrs = sxp, value, attrs or {}

    def attr(self, name):
        a = self.attrs.get(name)
        return a.value if a is not None else None


class Reader:
    def __init__(self, data: bytes):
        self.d, self.p, self.refs = data, 0, []

    def int(self):
        (v,) = struct.unpack_from(">i", self.d, self.p)
        self.p += 4
        return v

    def length(self):
        n = self.int()
        if n == -1:
            hi, lo = self.int(), self.int()
            n = (hi << 32) + lo
        return n

    def header(self):
        magic = self.d[:5]
        if magic not in (b"RDX2\n", b"RDX3\n"):
            raise ValueError("not an XDR .rda file: %r" % magic)
        self.p = 5
        if self.d[self.p : self.p + 2] != b"X\n":
            raise ValueError("only the XDR format is supported")
        self.p += 2
        version = self.int()
        self.int()  # R version that wrote it
        self.int()  # minimal R version to read it
        if version == 3:
            n = self.int()
            self.p += n  # native encoding name

    def attributes_to_dict(self, pairlist):
        out = {}
        for tag, val in pairlist or []:
            out[tag] = val
        return out

    def item(self):
        flags = self.int()
        sxp = flags & 0xFF
        has_attr = bool(flags & (1 << 9))
        has_tag = bool(flags & (1 << 10))
        if sxp == NILVALUE:
            return None
        if sxp in (GLOBALENV, EMPTYENV, BASEENV, UNBOUNDVALUE, MISSINGARG, BASENAMESPACE):
            return RObj(sxp, None)
        if sxp == REFSXP:
            idx = flags >> 8
            if idx == 0:
                idx = self.int()
            return self.refs[idx - 1]
        if sxp in (NAMESPACESXP, PACKAGESXP, PERSISTSXP):
            self.int()  # always 0
            n = self.int()
            info = [self.item() for _ in range(n)]
            obj = RObj(sxp, info)
            self.refs.append(obj)
            return obj
        if sxp == 1:  # SYMSXP
            name = self.item()
            obj = RObj(1, name.value if name else None)
            self.refs.append(obj)
            return obj
        if sxp == 4:  # ENVSXP
            obj = RObj(4, None)
            self.refs.append(obj)
            self.int()  # locked
            self.item()  # enclosure
            self.item()  # frame
            self.item()  # hash table
            self.item()  # attributes
            return obj
        if sxp in (2, 3, 5, 6, 17, ATTRLANGSXP, ATTRLISTSXP):
            # pairlist-like: read it iteratively along the cdr chain
            cells = []
            while True:
                attrs = self.item() if has_attr else None
                tag = self.item() if has_tag else None
                car = self.item()
                cells.append((tag.value if tag is not None else None, car))
                flags = self.int()
                nxt = flags & 0xFF
                has_attr = bool(flags & (1 << 9))
                has_tag = bool(flags & (1 << 10))
                if nxt == NILVALUE:
                    break
                if nxt not in (2, 6, ATTRLANGSXP, ATTRLISTSXP):
                    # an improper tail: put the flags back and read it as an item
                    self.p -= 4
                    cells.append((None, self.item()))
                    break
            return RObj(2, cells)
        if sxp == 9:  # CHARSXP
            n = self.int()
            if n == -1:
                return RObj(9, None)
            s = self.d[self.p : self.p + n].decode("utf-8", errors="replace")
            self.p += n
            return RObj(9, s)
        if sxp in (10, 13):  # LGLSXP, INTSXP
            n = self.length()
            vals = list(struct.unpack_from(">%di" % n, self.d, self.p))
            self.p += 4 * n
            vals = [None if v == NA_INTEGER else v for v in vals]
            value = vals
        elif sxp == 14:  # REALSXP
            n = self.length()
            value = list(struct.unpack_from(">%dd" % n, self.d, self.p))
            self.p += 8 * n
        elif sxp == 16:  # STRSXP
            n = self.length()
            value = [self.item().value for _ in range(n)]
        elif sxp in (19, 20):  # VECSXP, EXPRSXP
            n = self.length()
            value = [self.item() for _ in range(n)]
        elif sxp == ALTREP:
            info = self.item()
            state = self.item()
            attr = self.item()
            obj = self.expand_altrep(info, state)
            if attr is not None:
                obj.attrs = self.attributes_to_dict(attr.value)
            return obj
        else:
            raise ValueError("unsupported SEXP type %d at byte %d" % (sxp, self.p))
        obj = RObj(sxp, value)
        if has_attr:
            obj.attrs = self.attributes_to_dict(self.item().value)
        return obj

    def expand_altrep(self, info, state):
        cls = info.value[0][1].value if info is not None else None
        if cls == "compact_intseq":
            n, start, step = state.value
            return RObj(13, [int(start + i * step) for i in range(int(n))])
        if cls == "compact_realseq":
            n, start, step = state.value
            return RObj(14, [start + i * step for i in range(int(n))])
        if cls and cls.startswith("wrap_"):
            return state.value[0]
        if cls == "deferred_string":
            arg = state.value[0][1] if isinstance(state.value, list) else state
            return RObj(16, [str(v) for v in arg.value])
        raise ValueError("unsupported ALTREP class %r" % cls)


def load_rda(path):
    with open(path, "rb") as f:
        data = decompress(f.read())
    r = Reader(data)
    r.header()
    top = r.item()
    return {tag: obj for tag, obj in top.value}


def column(frame, name):
    names = frame.attr("names")
    return frame.value[names.index(name)]


def main():
    src, out = sys.argv[1], sys.argv[2]
    objects = load_rda(src)
    frame = objects.get("rfm_data_orders") or next(iter(objects.values()))
    ids = column(frame, "customer_id").value
    dates_col = column(frame, "order_date")
    if "Date" not in (dates_col.attr("class") or []):
        raise ValueError("order_date is not a Date column")
    revenue = column(frame, "revenue").value
    epoch = datetime.date(1970, 1, 1)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "order_date", "revenue"])
        for cid, day, amount in zip(ids, dates_col.value, revenue):
            date = epoch + datetime.timedelta(days=int(day))
            if int(day) != day:
                raise ValueError("order_date with a time of day: %r" % day)
            amt = int(amount) if float(amount).is_integer() else amount
            w.writerow([cid, date.isoformat(), amt])
    print("%d orders written to %s" % (len(ids), out), file=sys.stderr)


if __name__ == "__main__":
    main()
