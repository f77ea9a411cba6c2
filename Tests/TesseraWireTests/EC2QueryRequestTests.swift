import Testing
@testable import TesseraWire

/// EC2 Query bodies, decoded by the form-urlencoded rules.
struct EC2QueryRequestTests {
    @Test func readsWhatBotocoreSends() {
        let request = EC2QueryRequest(formEncoded: "Action=DescribeSnapshots&Version=2016-11-15&SnapshotId.1=snap-1&SnapshotId.2=snap-2"
            + "&Filter.1.Name=tag%3AName&Filter.1.Value.1=nightly+backup&Filter.1.Value.2=50%25+done&Owner.1=self")
        #expect(request["Action"] == "DescribeSnapshots")
        #expect(request.list("SnapshotId") == ["snap-1", "snap-2"])
        let filters = request.filters()
        #expect(filters.count == 1)
        #expect(filters.first?.name == "tag:Name")
        #expect(filters.first?.values == ["nightly backup", "50% done"])
    }

    /// Lists are read in the order of their numbers, with gaps and numbers too long for any integer, so no
    /// member is dropped (a dropped SnapshotId would make DescribeSnapshots describe every snapshot).
    @Test func listsKeepEveryNumberedMember() {
        let request = EC2QueryRequest(formEncoded: "SnapshotId.99999999999999999999=snap-big&SnapshotId.3=snap-3&SnapshotId.10=snap-10"
            + "&SnapshotId.x=ignored&SnapshotIdX.1=other&Filter.7.Name=status&Filter.7.Value.2=completed&Filter.2.Name=owner-id&Filter.2.Value.5=1")
        #expect(request.list("SnapshotId") == ["snap-3", "snap-10", "snap-big"])
        #expect(request.filters().map(\.name) == ["owner-id", "status"])
        #expect(request.filters().map(\.values) == [["1"], ["completed"]])
    }

    /// Found by the ec2-query fuzz target: a `%` not followed by two hex digits swallowed the next two
    /// characters, even an escape (`%%41` gave `%%41`, not `%A`); a sign passed for a hex digit (`%+f`
    /// gave 0x0F); and a `&` or `=` followed by a combining mark did not separate, the body having been
    /// split by characters rather than bytes.
    @Test(arguments: [
        ("a=%%41", "%A"),
        ("a=%4%41", "%4A"),
        ("a=%+f", "% f"),
        ("a=%-0", "%-0"),
        ("a=%4", "%4"),
        ("a=%", "%"),
        ("a=%zz%2", "%zz%2"),
        ("a=%e2%9c%93", "\u{2713}"),
    ])
    func decodesOnlyTwoHexDigitEscapes(body: String, value: String) {
        #expect(EC2QueryRequest(formEncoded: body)["a"] == value)
    }

    @Test func splitsAtBytesNotCharacters() {
        let request = EC2QueryRequest(formEncoded: "a=1&\u{301}b=2&c=\u{301}3")
        #expect(request["a"] == "1")
        #expect(request["\u{301}b"] == "2")
        #expect(request["c"] == "\u{301}3")
    }
}
