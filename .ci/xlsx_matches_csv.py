#!/usr/bin/env python3
"""Exit 0 when a workbook written by `wfm ... --xlsx` holds, sheet by sheet,
exactly the CSVs of the job's output directory: read with openpyxl (a real
reader), every CSV of DIR a sheet of the same name, the header in bold,
numbers as numbers equal to the CSV's, YYYY-MM-DD as dates, HH:MM as times,
money columns in the currency's format, text as text.
usage: xlsx_matches_csv.py BOOK.xlsx DIR"""
import csv
import datetime
import os
import sys

import openpyxl

book_path, out_dir = sys.argv[1], sys.argv[2]
book = openpyxl.load_workbook(book_path)
csvs = sorted(f for f in os.listdir(out_dir) if f.endswith(".csv"))
errors = []
for name in csvs:
    sheet_name = name[:-4][:31]
    if sheet_name not in book.sheetnames:
        errors.append(f"{name}: no sheet {sheet_name}")
        continue
    ws = book[sheet_name]
    with open(os.path.join(out_dir, name), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for c, h in enumerate(header):
        cell = ws.cell(row=1, column=c + 1)
        if cell.value != h or not cell.font.b:
            errors.append(f"{name}: header {h!r} is {cell.value!r}")
    for r, row in enumerate(rows[1:], start=2):
        for c, text in enumerate(row):
            cell = ws.cell(row=r, column=c + 1)
            v = cell.value
            where = f"{name} row {r} column {header[c] if c < len(header) else c}"
            if text == "":
                if v not in (None, ""):
                    errors.append(f"{where}: {v!r} for an empty cell")
                continue
            try:
                want = float(text)
            except ValueError:
                want = None
            if want is not None and want == want and abs(want) != float("inf"):
                if not isinstance(v, (int, float)) or isinstance(v, bool) or abs(v - want) > 1e-9 * max(1.0, abs(want)):
                    errors.append(f"{where}: {v!r} for {text}")
                money = c < len(header) and (header[c] in ("cost", "cost_change", "objective", "bound")
                                             or header[c].endswith("_cost") or header[c].startswith("cost_"))
                if money and "#,##0.00" not in cell.number_format:
                    errors.append(f"{where}: money without a currency format ({cell.number_format})")
            elif len(text) == 10 and text[4] == "-" and text[7] == "-":
                if not isinstance(v, datetime.datetime) or v.date().isoformat() != text:
                    errors.append(f"{where}: {v!r} for the date {text}")
            elif len(text) == 5 and text[2] == ":" and text.replace(":", "").isdigit():
                ok = isinstance(v, (datetime.time, datetime.datetime)) and f"{v.hour:02}:{v.minute:02}" == text
                if not ok:
                    errors.append(f"{where}: {v!r} for the time {text}")
            elif v != text:
                errors.append(f"{where}: {v!r} for {text!r}")
        if len(errors) > 20:
            break
for e in errors[:20]:
    print(e)
print(f"{book_path}: {len(csvs)} sheet(s) checked against {out_dir}, {len(errors)} difference(s)")
sys.exit(1 if errors else 0)
