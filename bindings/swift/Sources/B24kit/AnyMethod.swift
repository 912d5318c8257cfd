// Calls of any Bitrix24 method by name from Swift, on top of the generated API. JsonValue is
// the FFI's own JSON enum (an `indirect enum` with ordered object entries); the literal
// conformances below let a dictionary or array literal be one, so parameters read as JSON:
//
//     let contact = try await client.call("crm.contact.get", ["ID": 5])
//     for try await item in try client.items("crm.contact.list", ["select": ["ID"]], byId: true) { … }

import Foundation

extension JsonValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value: value) }
    public init(integerLiteral value: Int64) { self = .int(value: value) }
    public init(floatLiteral value: Double) { self = .double(value: value) }
    public init(stringLiteral value: String) { self = .string(value: value) }
    public init(arrayLiteral elements: JsonValue...) { self = .array(items: elements) }
    public init(dictionaryLiteral elements: (String, JsonValue)...) {
        self = .object(entries: elements.map { JsonEntry(key: $0.0, value: $0.1) })
    }
}

extension JsonValue {
    /// The value under `key` when this is an object (the first entry with that key).
    public subscript(key: String) -> JsonValue? {
        guard case .object(let entries) = self else { return nil }
        return entries.first(where: { $0.key == key })?.value
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> JsonValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The text when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number when this is an integer.
    public var int64Value: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number when this is any number.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// Foundation's form (`[String: Any]`, `[Any]`, `NSNull`, …), for JSONSerialization and code
    /// that already takes it. Object entries lose their order there.
    public var foundationValue: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .array(let items): return items.map { $0.foundationValue }
        case .object(let entries):
            var dictionary: [String: Any] = [:]
            for entry in entries { dictionary[entry.key] = entry.value.foundationValue }
            return dictionary
        }
    }

    /// Decodes this value into the caller's own `Decodable` type.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        let data = try JSONSerialization.data(withJSONObject: foundationValue, options: [.fragmentsAllowed])
        return try decoder.decode(type, from: data)
    }
}

extension Client {
    /// Calls any method by name, with the same limits, retries and errors as the typed calls.
    /// `idempotent` lets a failure that may have reached the portal be retried; a method
    /// without a spec is not, by default. A name that is not a method's, or a NaN, throws
    /// `B24kitError.InvalidArgument` before anything is sent.
    public func call(_ method: String, _ params: JsonValue = [:], idempotent: Bool? = nil) async throws -> JsonResponse {
        return try await callMethod(method: method, params: params, idempotent: idempotent)
    }

    /// Calls any method by name and decodes its result into `type`.
    public func call<T: Decodable>(
        _ method: String, _ params: JsonValue = [:], as type: T.Type, idempotent: Bool? = nil
    ) async throws -> T {
        return try await call(method, params, idempotent: idempotent).result.decode(type)
    }

    /// Calls of any methods through `batch`, by name; `$result[name]…` in a parameter refers to
    /// an earlier call. One outcome per call, in order; with `halt` the calls after the first
    /// failure fail with `B24kitError.Skipped`.
    public func batch(
        _ calls: KeyValuePairs<String, (method: String, params: JsonValue)>, halt: Bool = false
    ) async throws -> [(name: String, outcome: Result<JsonResponse, B24kitError>)] {
        let named = calls.map { NamedCall(name: $0.key, method: $0.value.method, params: $0.value.params) }
        let outcomes = try await batchCalls(calls: named, halt: halt)
        return zip(named, outcomes).map { (call, outcome) -> (name: String, outcome: Result<JsonResponse, B24kitError>) in
            switch outcome {
            case .success(let response): return (name: call.name, outcome: .success(response))
            case .failure(let error): return (name: call.name, outcome: .failure(error))
            }
        }
    }

    /// Every item of a list method, fetched a page at a time as the loop asks: by ID
    /// (`byId`, as the docs advise for large lists) or through counted pages fetched 50 per
    /// `batch` request. Leaving the loop or cancelling its task sends nothing more.
    public func items(
        _ method: String, _ params: JsonValue = [:], byId: Bool = false, idField: String? = nil,
        itemsKey: String? = nil
    ) throws -> AsyncThrowingStream<JsonValue, Error> {
        let walk = try list(method: method, params: params, byId: byId, idField: idField, itemsKey: itemsKey)
        let cursor = ItemCursor(nextPage: { try await walk.nextPage() })
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }
}

/// Hands a walk's pages out item by item, fetching the next page only when asked: the walks by
/// name above and the typed walks of list methods (`Walks.swift`).
actor ItemCursor<Item> {
    let nextPage: @Sendable () async throws -> [Item]?
    private var buffer: ArraySlice<Item> = []

    init(nextPage: @escaping @Sendable () async throws -> [Item]?) {
        self.nextPage = nextPage
    }

    func next() async throws -> Item? {
        while buffer.isEmpty {
            guard let page = try await nextPage() else { return nil }
            buffer = page[...]
        }
        return buffer.popFirst()
    }
}
