enum RowOutcome {
    case skipped(SkippedRow.Reason)
    /// `chosenID`: the trader wrote the `id` (otherwise it is derived).
    case signal(Signal, chosenID: Bool)
}

extension SheetRow {
    /// The row as a signal, or why it is skipped. Checks run in a fixed order and the first problem
    /// rejects the row. An inactive or expired row is skipped without checking the rest: a parked
    /// draft need not be complete.
    func outcome(now: EpochMillis) throws(RowProblem) -> RowOutcome {
        if let first = header.missing.first {
            let names = header.missing.map(\.rawValue).joined(separator: " or ")
            let aliases = header.missing.map { $0.names.joined(separator: ", ") }.joined(separator: "; ")
            throw RowProblem(first, "", "the header row has no \(names) column (accepted names: \(aliases))")
        }
        guard try read(.active, SheetField.active) else { return .skipped(.inactive) }
        let expires = try read(.expires, SheetField.expires)
        if let expires, expires <= now { return .skipped(.expired) }

        let market = try read(.symbol, SheetField.symbol)
        let venue = try read(.exchange, SheetField.exchange)
        let condition = try read(.condition, SheetField.condition)
        var signal = Signal(id: "", venue: venue, market: market, condition: condition, expires: expires)
        switch condition {
        case .above, .below:
            signal.targetPrice = try level(.targetPrice, requiredFor: condition)
        case .pctUp, .pctDown:
            let percent = try level(.percent, requiredFor: condition)
            if condition == .pctDown, percent.value >= 100 {
                throw RowProblem(.percent, percent.text, "must be below 100 for pct_down")
            }
            signal.percent = percent
        case .long, .short:
            try readTrade(condition, into: &signal)
        }
        signal.user = try read(.user, SheetField.user)
        signal.priority = try read(.priority, SheetField.priority)
        signal.sound = try read(.sound, SheetField.sound)
        signal.repeatMode = try read(.repeat, SheetField.repeatMode)
        signal.note = try read(.note, SheetField.note)
        let chosen = try read(.id, SheetField.id)
        signal.id = chosen ?? signal.derivedID
        return .signal(signal, chosenID: chosen != nil)
    }

    /// A positive level the condition needs.
    func level(_ column: SheetColumn, requiredFor condition: Condition) throws(RowProblem) -> Price {
        let c = try cell(column)
        if c.isBlank { throw missing(column, for: condition) }
        do {
            return try SheetNumber.positive(c, percentSign: column == .percent)
        } catch {
            throw RowProblem(column, c.shown, error.reason)
        }
    }

    func missing(_ column: SheetColumn, for condition: Condition) -> RowProblem {
        let noColumn = header.has(column) ? "" : " (the sheet has no \(column) column)"
        return RowProblem(column, "", "required for \(condition.rawValue)\(noColumn)")
    }

    // MARK: - long / short

    /// Entry (optional), take-profits (one or more, across `take_profit`/`tp1`/`tp2`/… columns) and
    /// stop-loss, checked against the side: for `long` SL < entry < every TP (without entry, SL < every
    /// TP); mirrored for `short`. Take-profits come out in order of distance from entry.
    func readTrade(_ side: Condition, into signal: inout Signal) throws(RowProblem) {
        var levels: [Price] = []
        var splitLevels: [Price] = []
        var ambiguousCells: [SheetCell] = []
        for index in header.positions[.takeProfit] ?? [] {
            let c = cell(at: index)
            do {
                let read = try TakeProfitText.levels(in: c)
                for p in read { levels.append(try SheetNumber.checkedPositive(p)) }
                if let other = TakeProfitText.alternative(in: c), other != read {
                    ambiguousCells.append(c)
                    splitLevels += other
                } else {
                    splitLevels += read
                }
            } catch {
                throw RowProblem(.takeProfit, c.shown, error.reason)
            }
        }
        if levels.isEmpty { throw missing(.takeProfit, for: side) }
        let stopLoss = try level(.stopLoss, requiredFor: side)
        let entryCell = try cell(.entry)
        let entry = entryCell.isBlank ? nil : try level(.entry, requiredFor: side)

        // `150,160` reads as 150160 or as 150 and 160: keep the reading that makes a valid trade.
        guard let first = ambiguousCells.first else {
            try checkTrade(side, levels, entry: entry, stopLoss: stopLoss, into: &signal)
            return
        }
        var asWritten = signal
        var asSplit = signal
        let whole: RowProblem?
        do { try checkTrade(side, levels, entry: entry, stopLoss: stopLoss, into: &asWritten); whole = nil } catch { whole = error }
        let splitOK = splitLevels.allSatisfy(\.isPositive)
            && (try? checkTrade(side, splitLevels, entry: entry, stopLoss: stopLoss, into: &asSplit)) != nil
        switch (whole, splitOK) {
        case (nil, false): signal = asWritten
        case (.some, true): signal = asSplit
        case (.some(let problem), false): throw problem
        case (nil, true):
            throw RowProblem(
                .takeProfit, first.shown,
                "ambiguous: the comma may separate thousands or levels; write one level without commas, or separate levels with ; or spaces")
        }
    }

    /// The take-profit list, stop-loss and entry checked against the side, stored in `signal`.
    private func checkTrade(
        _ side: Condition, _ levels: [Price], entry: Price?, stopLoss: Price, into signal: inout Signal
    ) throws(RowProblem) {
        if levels.count > TakeProfitText.maxLevels {
            throw RowProblem(.takeProfit, "", "more than \(TakeProfitText.maxLevels) take-profit levels")
        }
        var seen = Set<Price>()
        for p in levels where !seen.insert(p).inserted {
            throw RowProblem(.takeProfit, p.text, "take-profit \(p) is listed twice")
        }
        let isLong = side == .long
        // `beyond(a, b)`: a lies on the profit side of b.
        func beyond(_ a: Price, _ b: Price) -> Bool { isLong ? a.value > b.value : a.value < b.value }
        let profitSide = isLong ? "above" : "below"
        let lossSide = isLong ? "below" : "above"
        if let entry {
            guard beyond(entry, stopLoss) else {
                throw RowProblem(.stopLoss, stopLoss.text, "stop-loss must be \(lossSide) entry \(entry) for \(side.rawValue)")
            }
            for tp in levels where !beyond(tp, entry) {
                throw RowProblem(.takeProfit, tp.text, "take-profit must be \(profitSide) entry \(entry) for \(side.rawValue)")
            }
        } else {
            for tp in levels where !beyond(tp, stopLoss) {
                throw RowProblem(.takeProfit, tp.text, "take-profit must be \(profitSide) stop-loss \(stopLoss) for \(side.rawValue)")
            }
        }
        signal.entry = entry
        signal.stopLoss = stopLoss
        signal.takeProfits = levels.sorted { isLong ? $0.value < $1.value : $0.value > $1.value }
    }
}
