/// Runs `body` over `items` with at most `limit` running at once; results in the items' order.
func boundedMap<T: Sendable, R: Sendable>(
    _ items: [T], limit: Int, _ body: @escaping @Sendable (T) async -> R
) async -> [R] {
    guard !items.isEmpty else { return [] }
    return await withTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        func launch() {
            let i = next
            let item = items[i]
            group.addTask { (i, await body(item)) }
            next += 1
        }
        while next < min(max(limit, 1), items.count) { launch() }
        while let (i, r) = await group.next() {
            results[i] = r
            if next < items.count { launch() }
        }
        return results.map { $0! }
    }
}
