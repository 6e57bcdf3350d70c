#!/usr/bin/env python3
"""Writes the sheet fixtures shared by the Swift parser tests and the end-to-end tests.

Each row is written beside what must become of it, so the expectation is the intent, not a dump
of the parser's output. Run from anywhere: `python3 Tests/Fixtures/make_sheet_fixtures.py [OUT_DIR]`.

Files (Sheets API `values.get` response shape, `valueRenderOption=UNFORMATTED_VALUE`):
  hostile-sheet.json / .expected.json         ~70 hostile rows, duplicate `target_price` headers
  missing-header-sheet.json / .expected.json  no `symbol` column: every data row rejected
  example-sheet.json / .expected.json         every column and condition, for the demo

Derived identities are computed here with hashlib, independently of the Swift code, from the rule
in README § The sheet: "sig-" + first 24 hex digits of SHA-256 of
"v1|exchange|BASE/QUOTE|condition|target_price|percent|entry|tp,tp,...|stop_loss|user".
"""
import hashlib
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE  # another directory: check for drift
NOW = "2026-11-25T20:00:00Z"  # the run time every expectation assumes (expiry is relative to it)

NULL = object()  # a JSON null cell (Google never sends one; hostile input may)
BIG = "__NUMBER_1e400__"  # replaced by the bare JSON number 1e400 (Python would write Infinity)


def derived_id(sig):
    market = sig["market"]
    parts = ["v1", sig["exchange"], market, sig["condition"], sig.get("target_price", ""),
             sig.get("percent", ""), sig.get("entry", ""), ",".join(sig.get("take_profit", [])),
             sig.get("stop_loss", ""), sig.get("user", "")]
    return "sig-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def venue_symbol(exchange, market):
    base, quote = market.split("/")
    return f"{base}-{quote}" if exchange == "coinbase" else base + quote


def message_signal(sig):
    """The `signal` object of the SQS message (SPEC §4), in the reader's field order."""
    out = {"id": sig.get("id") or derived_id(sig), "exchange": sig["exchange"],
           "symbol": venue_symbol(sig["exchange"], sig["market"]), "condition": sig["condition"]}
    for key in ("target_price", "percent", "entry", "take_profit", "stop_loss", "user", "priority", "sound"):
        if key in sig:
            out[key] = sig[key]
    out["repeat"] = sig.get("repeat", "once")
    for key in ("expires", "note"):
        if key in sig:
            out[key] = sig[key]
    return out


class Sheet:
    def __init__(self, header, range_="Signals!A1:ZZ"):
        self.header = header
        self.range = range_
        self.rows = [header]
        self.expect = {"now": NOW, "rows": 0, "enqueued": [], "skipped": [], "rejected": []}

    def row(self, cells, expect):
        """cells: {header: value}; expect: ("signal", {...}) | ("skipped", reason) |
        ("rejected", column, value, reason) | ("blank",)."""
        if isinstance(cells, list):
            values = cells
        else:
            unknown = set(cells) - set(self.header)
            assert not unknown, unknown
            values = [cells.get(h, "") for h in self.header]
            while values and values[-1] == "":
                values.pop()  # the API drops trailing empty cells
        values = [None if v is NULL else v for v in values]
        self.rows.append(values)
        number = len(self.rows)  # header is row 1
        kind = expect[0]
        if kind == "blank":
            return
        self.expect["rows"] += 1
        if kind == "signal":
            self.expect["enqueued"].append({"row": number, "signal": message_signal(expect[1])})
        elif kind == "skipped":
            self.expect["skipped"].append({"row": number, "reason": expect[1]})
        elif kind == "rejected":
            _, column, value, reason = expect
            self.expect["rejected"].append({"row": number, "column": column, "value": value, "reason": reason})
        else:
            raise ValueError(kind)

    def write(self, name):
        sheet = {"range": self.range, "majorDimension": "ROWS", "values": self.rows}
        text = json.dumps(sheet, ensure_ascii=False, indent=None).replace(f'"{BIG}"', "1e400")
        # One row per line: readable diffs, still the API's shape.
        text = text.replace('], [', '],\n  [')
        (OUT / f"{name}.json").write_text(text + "\n")
        (OUT / f"{name}.expected.json").write_text(json.dumps(self.expect, ensure_ascii=False, indent=1) + "\n")


def S(**kw):
    kw.setdefault("exchange", "binance")
    return ("signal", kw)


def R(column, value, reason):
    return ("rejected", column, value, reason)


# ---------------------------------------------------------------------------------------------
# The hostile sheet

H = ["ID", "Symbol", "Exchange", "Condition", "Target Price", "Percent", "Entry", "Take Profit", "TP2",
     "Stop-Loss", "Active", "User", "Priority", "Sound", "Repeat", "Expires", "Note", "My Formula", "level"]
hostile = Sheet(H)
r = hostile.row
NOT_A_NUMBER = "not a number"
SYMBOL_BAD = "not a market symbol (write BTCUSDT, BTC-USD or BTC/USDT)"
LONG_NOTE = "x" * 10_000

# Valid rows, in several spellings.
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 65000},
  S(market="BTC/USDT", condition="above", target_price="65000"))
r({"Symbol": "ETH-USD", "Exchange": "coinbase", "Condition": "below", "Target Price": "$3,000.50"},
  S(exchange="coinbase", market="ETH/USD", condition="below", target_price="3000.5"))
r({"Symbol": "btc/usdt", "Condition": "pct_up", "Percent": "5%"},
  S(market="BTC/USDT", condition="pct_up", percent="5"))
r({"Symbol": "SOLUSDT", "Exchange": "Bybit", "Condition": "PCT DOWN", "Percent": 12.5},
  S(exchange="bybit", market="SOL/USDT", condition="pct_down", percent="12.5"))
r({"ID": "trade-1", "Symbol": "BTCUSDT", "Condition": "long", "Entry": 64000, "Take Profit": "66,000; 68000",
   "Stop-Loss": 62000, "Active": True, "User": "alice", "Priority": 1, "Sound": "cashregister",
   "Repeat": "once", "Expires": "2026-12-31", "Note": "breakout"},
  S(id="trade-1", market="BTC/USDT", condition="long", entry="64000", take_profit=["66000", "68000"],
    stop_loss="62000", user="alice", priority=1, sound="cashregister", expires="2026-12-31T00:00:00Z",
    note="breakout"))
r({"Symbol": "ETHUSDT", "Condition": "short", "Entry": "3500", "Take Profit": "3,200 3,000", "TP2": 2800,
   "Stop-Loss": "3,700"},
  S(market="ETH/USDT", condition="short", entry="3500", take_profit=["3200", "3000", "2800"], stop_loss="3700"))
r({"Symbol": "1000PEPEUSDT", "Condition": "long", "Take Profit": "0.5,0.6", "Stop-Loss": 0.4},
  S(market="1000PEPE/USDT", condition="long", take_profit=["0.5", "0.6"], stop_loss="0.4"))
# Duplicates: the same signal spelled differently, and a reused trader id.
r({"Symbol": "BTC/USDT", "Exchange": "Binance", "Condition": "ABOVE", "Target Price": "$65,000.00"},
  R("id", derived_id({"exchange": "binance", "market": "BTC/USDT", "condition": "above", "target_price": "65000"}),
    "duplicate of row 2 (same exchange, symbol, condition, levels and user)"))
r({"ID": "trade-1", "Symbol": "ETHUSDT", "Condition": "above", "Target Price": 4000},
  R("id", "trade-1", "duplicate of row 6 (same id)"))
# Skipped.
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 99000, "Active": False}, ("skipped", "inactive"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "garbage", "Active": "no"}, ("skipped", "inactive"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1, "Expires": "2020-01-01"}, ("skipped", "expired"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 2, "Expires": 45000}, ("skipped", "expired"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 3, "Expires": NOW}, ("skipped", "expired"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 4, "Expires": 46387.5},
  S(market="BTC/USDT", condition="above", target_price="4", expires="2026-12-31T12:00:00Z"))
# Short rows and missing values.
r({"Symbol": "BTCUSDT"}, R("condition", "", "required"))
r({"Symbol": "BTCUSDT", "Condition": "above"}, R("target_price", "", "required for above"))
r({"Condition": "above", "Target Price": 5}, R("symbol", "", "required"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Stop-Loss": 100}, R("take_profit", "", "required for long"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Take Profit": 100}, R("stop_loss", "", "required for long"))
r({"Symbol": "BTCUSDT", "Condition": "pct_up"}, R("percent", "", "required for pct_up"))
# Spreadsheet junk in number cells.
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "=A1"}, R("target_price", "=A1", "formula, not a value"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "#N/A"}, R("target_price", "#N/A", "spreadsheet error #N/A"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Take Profit": 70000, "Stop-Loss": "#REF!"},
  R("stop_loss", "#REF!", "spreadsheet error #REF!"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "NaN"}, R("target_price", "NaN", "not a finite number"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "-inf"}, R("target_price", "-inf", "not a finite number"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "1e400"}, R("target_price", "1e400", "out of range"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": BIG}, R("target_price", "1e400", "out of range"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "65,5"},
  R("target_price", "65,5", "ambiguous thousands separator"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "1,2345"},
  R("target_price", "1,2345", "ambiguous thousands separator"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "€3.000,50"},
  R("target_price", "€3.000,50", "ambiguous thousands separator"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "-5"}, R("target_price", "-5", "must be positive"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 0}, R("target_price", "0", "must be positive"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "abc"}, R("target_price", "abc", NOT_A_NUMBER))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1e20}, R("target_price", "1e+20", "too large"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1e-25}, R("target_price", "1e-25", "too small"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "$$100"},
  R("target_price", "$$100", "more than one currency sign"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "65 000"}, R("target_price", "65 000", NOT_A_NUMBER))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": "６５０００"}, R("target_price", "６５０００", NOT_A_NUMBER))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": True}, R("target_price", "TRUE", NOT_A_NUMBER))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": [1, 2]}, R("target_price", "[1,2]", NOT_A_NUMBER))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": LONG_NOTE},
  R("target_price", "x" * 100 + "…", NOT_A_NUMBER))
# Symbols, exchanges, conditions.
r({"Symbol": "БТК/USDT", "Condition": "above", "Target Price": 1}, R("symbol", "БТК/USDT", SYMBOL_BAD))
r({"Symbol": "BTC\u200bUSDT", "Condition": "above", "Target Price": 1}, R("symbol", "BTC\u200bUSDT", SYMBOL_BAD))
r({"Symbol": "XYZ", "Condition": "above", "Target Price": 1}, R("symbol", "XYZ", SYMBOL_BAD))
r({"Symbol": True, "Condition": "above", "Target Price": 1}, R("symbol", "TRUE", SYMBOL_BAD))
r({"Symbol": 12345, "Condition": "above", "Target Price": 1}, R("symbol", "12345", SYMBOL_BAD))
r({"Symbol": "B" * 10_000, "Condition": "above", "Target Price": 1}, R("symbol", "B" * 100 + "…", SYMBOL_BAD))
r({"Symbol": "BTCUSDT", "Exchange": "kraken", "Condition": "above", "Target Price": 1},
  R("exchange", "kraken", "unknown exchange (use binance, coinbase or bybit)"))
r({"Symbol": "BTCUSDT", "Condition": "crosses", "Target Price": 1},
  R("condition", "crosses", "unknown condition (use above, below, pct_up, pct_down, long or short)"))
r({"Symbol": "BTCUSDT", "Condition": ">", "Target Price": 70000},
  S(market="BTC/USDT", condition="above", target_price="70000"))
r({"Symbol": "BTCUSDT", "Condition": "Cross Down", "Target Price": "70,500 $"},
  S(market="BTC/USDT", condition="below", target_price="70500"))
r({"Symbol": "BTCUSD", "Exchange": "COINBASE", "Condition": "below", "Target Price": 0.00000001234},
  S(exchange="coinbase", market="BTC/USD", condition="below", target_price="0.00000001234"))
# Other columns.
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1, "Active": "maybe"},
  R("active", "maybe", "not a yes/no value (use TRUE/YES/Y/1/ON or FALSE/NO/N/0/OFF)"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1, "Priority": 3},
  R("priority", "3", "not a priority (use a whole number from -2 to 2)"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 80000, "Priority": "high", "Active": "YES"},
  S(market="BTC/USDT", condition="above", target_price="80000", priority=1))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1, "Sound": "my sound!"},
  R("sound", "my sound!", "not a sound name (letters, digits, _ and -, at most 32)"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1, "Repeat": "sometimes"},
  R("repeat", "sometimes", "not a repeat (use once, every, or a duration such as 30m, 4h, 1d)"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 81000, "Repeat": "4h", "Sound": "Siren"},
  S(market="BTC/USDT", condition="above", target_price="81000", sound="siren", repeat="4h"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1, "Expires": "31/12/2026"},
  R("expires", "31/12/2026", "not a date (use 2026-12-31, 2026-12-31T18:00:00Z or a date cell)"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 82000, "Expires": "2026-12-31T18:00:00+02:00"},
  S(market="BTC/USDT", condition="above", target_price="82000", expires="2026-12-31T16:00:00Z"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1, "User": "u" * 29},
  R("pushover_user_key", "u" * 29, "looks like a Pushover key but has 29 characters (keys have 30)"))
r({"Symbol": "BTCUSDT", "Condition": "above", "Target Price": 83000, "User": "fake0key0for0tests0only000000a"},
  S(market="BTC/USDT", condition="above", target_price="83000", user="fake0key0for0tests0only000000a"))
r({"ID": "a|b", "Symbol": "BTCUSDT", "Condition": "above", "Target Price": 1},
  R("id", "a|b", "not an id (letters, digits, spaces and - _ . : / @ +, at most 64)"))
r({"ID": 7, "Symbol": "BTCUSDT", "Condition": "above", "Target Price": 84000},
  S(id="7", market="BTC/USDT", condition="above", target_price="84000"))
# Notes: unicode, control characters, 10,000 characters (cut to 500).
r({"Symbol": "ETHUSDT", "Condition": "above", "Target Price": 5000, "Note": "🚀 to the moon — ✓ \"quoted\"\n2nd line"},
  S(market="ETH/USDT", condition="above", target_price="5000", note="🚀 to the moon — ✓ \"quoted\"\n2nd line"))
r({"Symbol": "ETHUSDT", "Condition": "above", "Target Price": 5100, "Note": LONG_NOTE},
  S(market="ETH/USDT", condition="above", target_price="5100", note="x" * 499 + "…"))
# Trades that contradict their side.
r({"Symbol": "BTCUSDT", "Condition": "long", "Entry": 64000, "Take Profit": 66000, "Stop-Loss": 65000},
  R("stop_loss", "65000", "stop-loss must be below entry 64000 for long"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Entry": 64000, "Take Profit": "63000 66000", "Stop-Loss": 62000},
  R("take_profit", "63000", "take-profit must be above entry 64000 for long"))
r({"Symbol": "BTCUSDT", "Condition": "short", "Entry": 64000, "Take Profit": 66000, "Stop-Loss": 67000},
  R("take_profit", "66000", "take-profit must be below entry 64000 for short"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Take Profit": 60000, "Stop-Loss": 62000},
  R("take_profit", "60000", "take-profit must be above stop-loss 62000 for long"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Take Profit": "66,000,68,000", "Stop-Loss": 62000},
  R("take_profit", "66,000,68,000", "ambiguous thousands separator"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Take Profit": "66000;66000", "Stop-Loss": 62000},
  R("take_profit", "66000", "take-profit 66000 is listed twice"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Take Profit": "66000,68000", "TP2": "=B2", "Stop-Loss": 62000},
  R("take_profit", "=B2", "formula, not a value"))
r({"Symbol": "BTCUSDT", "Condition": "long", "Take Profit": "66000,68000", "Stop-Loss": 62000, "Repeat": "1d"},
  S(market="BTC/USDT", condition="long", take_profit=["66000", "68000"], stop_loss="62000", repeat="1d"))
r({"Symbol": "BTCUSDT", "Condition": "pct_down", "Percent": 150}, R("percent", "150", "must be below 100 for pct_down"))
# Duplicate header: `Target Price` and `level` both mean target_price.
r({"Symbol": "BNBUSDT", "Condition": "above", "Target Price": 700, "level": "700.00"},
  S(market="BNB/USDT", condition="above", target_price="700"))
r({"Symbol": "BNBUSDT", "Condition": "above", "level": 710}, S(market="BNB/USDT", condition="above", target_price="710"))
r({"Symbol": "BNBUSDT", "Condition": "above", "Target Price": 700, "level": 800},
  R("target_price", "800", "target_price is named twice in the header (columns E and S) and they disagree"))
# Fields that do not apply are ignored, even when they are junk.
r({"Symbol": "BNBUSDT", "Condition": "below", "Target Price": 500, "Percent": "#N/A", "Take Profit": "=X1"},
  S(market="BNB/USDT", condition="below", target_price="500"))
# Blank rows: empty, whitespace, null, an unticked checkbox, only the trader's own column.
r([], ("blank",))
r(["", "  ", "\t"], ("blank",))
r([NULL, NULL], ("blank",))
r({"Active": False}, ("blank",))
r({"My Formula": "=GOOGLEFINANCE(\"BTCUSD\")"}, ("blank",))
# Cells beyond the header, nulls in the middle, the trader's own column filled.
r(["", "XRPUSDT", NULL, "above", 3.5, "", "", "", "", "", "", "", "", "", "", "", "", "mine", "", "extra", 1, True],
  S(market="XRP/USDT", condition="above", target_price="3.5"))
r({"Symbol": "XRPUSDT", "Condition": "below", "Target Price": " 1.25 ", "Note": 42},
  S(market="XRP/USDT", condition="below", target_price="1.25", note="42"))
hostile.write("hostile-sheet")

# ---------------------------------------------------------------------------------------------
# A sheet whose header has no symbol column: nothing is read, and every row says why.

no_symbol = Sheet(["Pair Name", "Condition", "Target"])
MISSING = "the header row has no symbol column (accepted names: symbol, pair, ticker)"
no_symbol.row(["BTCUSDT", "above", 65000], R("symbol", "", MISSING))
no_symbol.row(["ETHUSDT", "below", 3000], R("symbol", "", MISSING))
no_symbol.row([], ("blank",))
no_symbol.row(["just a note"], R("symbol", "", MISSING))
no_symbol.write("missing-header-sheet")

# ---------------------------------------------------------------------------------------------
# The demo's sheet: every column and condition. Expiry dates are far from any demo run's clock.

E = ["id", "symbol", "exchange", "condition", "target_price", "percent", "entry", "take_profit", "stop_loss",
     "active", "pushover_user_key", "priority", "sound", "repeat", "expires", "note"]
example = Sheet(E, "Signals!A1:P10")
example.row({"symbol": "BTCUSDT", "condition": "above", "target_price": 65000, "pushover_user_key": "alice",
             "note": "BTC breakout"},
            S(market="BTC/USDT", condition="above", target_price="65000", user="alice", note="BTC breakout"))
example.row({"symbol": "ETH-USD", "exchange": "coinbase", "condition": "below", "target_price": "$3,000",
             "priority": 1, "sound": "cashregister", "repeat": "every"},
            S(exchange="coinbase", market="ETH/USD", condition="below", target_price="3000", priority=1,
              sound="cashregister", repeat="every"))
example.row({"symbol": "SOL/USDT", "exchange": "bybit", "condition": "pct_up", "percent": 5, "repeat": "4h",
             "expires": "2099-12-31"},
            S(exchange="bybit", market="SOL/USDT", condition="pct_up", percent="5", repeat="4h",
              expires="2099-12-31T00:00:00Z"))
example.row({"symbol": "BTCUSDT", "condition": "pct_down", "percent": 3, "pushover_user_key": "bob", "priority": 0},
            S(market="BTC/USDT", condition="pct_down", percent="3", user="bob", priority=0))
example.row({"id": "btc-swing", "symbol": "BTCUSDT", "condition": "long", "entry": 64000,
             "take_profit": "66000; 68000; 70000", "stop_loss": 62000, "active": True,
             "pushover_user_key": "alice", "priority": 2, "sound": "persistent", "note": "swing long"},
            S(id="btc-swing", market="BTC/USDT", condition="long", entry="64000",
              take_profit=["66000", "68000", "70000"], stop_loss="62000", user="alice", priority=2,
              sound="persistent", note="swing long"))
example.row({"id": "eth-short", "symbol": "ETHUSDT", "condition": "short", "take_profit": "3200 3000",
             "stop_loss": 3700, "note": "entered at first check"},
            S(id="eth-short", market="ETH/USDT", condition="short", take_profit=["3200", "3000"],
              stop_loss="3700", note="entered at first check"))
example.row({"symbol": "BTCUSDT", "condition": "above", "target_price": 100000, "active": False},
            ("skipped", "inactive"))
example.row({"symbol": "BTCUSDT", "condition": "above", "target_price": 90000, "expires": "2020-01-01"},
            ("skipped", "expired"))
example.row({"symbol": "BTCUSDT", "condition": "above", "target_price": "65,5"},
            R("target_price", "65,5", "ambiguous thousands separator"))
example.write("example-sheet")
print("wrote fixtures in", OUT)
