extension String {
    /// Trims spaces, tabs, newlines and non-breaking spaces at both ends (no Foundation needed).
    public func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}

extension Substring {
    func trimmingSpaces() -> String { String(self).trimmingSpaces() }
}

extension String {
    /// Treats space and `-` like `_` (header and keyword matching, SPEC §2).
    func replacingSpacesAndDashes() -> String {
        var out = ""
        var lastUnderscore = false
        for c in self {
            let mapped: Character = (c == " " || c == "-" || c == "_") ? "_" : c
            if mapped == "_" {
                if lastUnderscore { continue }
                lastUnderscore = true
            } else {
                lastUnderscore = false
            }
            out.append(mapped)
        }
        return out
    }
}
