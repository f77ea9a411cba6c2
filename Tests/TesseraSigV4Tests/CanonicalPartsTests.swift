import Foundation
import Testing
@testable import TesseraSigV4

struct CanonicalPartsTests {
    @Test(arguments: [
        ("", ""),
        ("limit=2&marker=abc%2Fd", "limit=2&marker=abc%2Fd"),
        ("marker=abc/d&limit=2", "limit=2&marker=abc%2Fd"),
        ("b=2&a=3&a=1", "a=1&a=3&b=2"),
        ("flag&x=", "flag=&x="),
        ("a%20b=c%7ed&&z=%zz", "a%20b=c~d&z=%25zz"),
        ("q=a+b&p=%e2%82%ac", "p=%E2%82%AC&q=a%2Bb"),
        ("B=1&a=1&_=1", "B=1&_=1&a=1"),
    ])
    func canonicalQuery(raw: String, expected: String) {
        #expect(SigV4CanonicalRequest.canonicalQuery(raw) == expected)
    }

    @Test func presignedQueryDropsOnlyTheSignature() {
        let query = "X-Amz-Signature=abc&X-Amz-Date=20260501T123456Z&a=1"
        #expect(SigV4CanonicalRequest.canonicalQuery(query, droppingNames: ["X-Amz-Signature"])
            == "X-Amz-Date=20260501T123456Z&a=1")
    }

    @Test func headerValuesAreTrimmedCollapsedAndRepeatsJoined() {
        let request = SigV4Request(method: "get", path: "/", query: "", headers: [
            ("HOST", "  example.com "), ("X-Multi", "a  \t b"), ("x-multi", " c "), ("X-Other", "unsigned"),
        ])
        #expect(SigV4CanonicalRequest.canonicalHeaders(request, signedHeaders: ["host", "x-multi"])
            == "host:example.com\nx-multi:a b,c")
        #expect(SigV4CanonicalRequest.build(request, signedHeaders: ["host"], payloadHash: "UNSIGNED-PAYLOAD")
            == "GET\n/\n\nhost:example.com\n\nhost\nUNSIGNED-PAYLOAD")
    }

    @Test func uriEncodingAndHex() {
        #expect(SigV4Encoding.uriEncode("AZaz09-._~ /?=&%", keepSlash: false) == "AZaz09-._~%20%2F%3F%3D%26%25")
        #expect(SigV4Encoding.uriEncode("a/b c", keepSlash: true) == "a/b%20c")
        #expect(SigV4Encoding.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SigV4Encoding.percentDecode("a%2Fb%2fc%zz%4") == Array("a/b/c%zz%4".utf8))
    }

    @Test func timestampsRoundTrip() throws {
        for text in ["19700101T000000Z", "20120525T002453Z", "20000229T235959Z", "20991231T120000Z"] {
            let stamp = try #require(SigV4Timestamp(iso8601Basic: text))
            #expect(stamp.iso8601Basic == text)
        }
        #expect(SigV4Timestamp(iso8601Basic: "20120525T002453Z")?.epochSeconds == 1_337_905_493)
        #expect(SigV4Timestamp(rfc1123: "Fri, 25 May 2012 00:24:53 GMT")?.epochSeconds == 1_337_905_493)
        #expect(SigV4Timestamp(rfc1123: "Fri, 25 May 2012 00:24:53 -0000")?.epochSeconds == 1_337_905_493)
        for bad in ["20120525T002453", "2012-05-25T00:24:53Z", "20120230T000000Z", "20121301T000000Z",
                    "20120525T246000Z", "2012052ST002453Z", ""] {
            #expect(SigV4Timestamp(iso8601Basic: bad) == nil)
        }
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 1_337_905_493.999)).iso8601Basic == "20120525T002453Z")
    }

    /// Found while writing the wire-values fuzz target, whose round trip through the ISO 8601 basic form
    /// fails on it: `Int` read signs, so a `Date` header's year `-024` gave a time whose ISO 8601 basic form,
    /// the one the verifier signs with, was `0-240501T120000Z`.
    @Test func rfc1123NumbersAreDigitsOnly() {
        for bad in ["Wed, 01 May -024 12:00:00 GMT", "Wed, 01 May +024 12:00:00 GMT", "Wed, +1 May 2024 12:00:00 GMT",
                    "Wed, 01 May 2024 +2:00:00 GMT", "Wed, 01 May 2024 12:-0:00 GMT", "Wed, 01 May 2024 12:00:+0 GMT"] {
            #expect(SigV4Timestamp(rfc1123: bad) == nil, "\(bad)")
        }
        #expect(SigV4Timestamp(rfc1123: "Wed, 1 May 2024 12:00:00 GMT")?.iso8601Basic == "20240501T120000Z")
    }
}
