import Foundation
import Testing
import TesseraClient

/// The resume journal: written, reloaded, a torn last line ignored, the name stable for the same identity.
struct TransferJournalTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesAndReloadsHeaderAndEntries() throws {
        let directory = TransferJournalDirectory(url: try Self.temporaryDirectory())
        let identity = ["path": "/data/a.bin", "size": "10", "mtime": "1.2", "vault": "v"]
        let url = directory.journalURL(kind: "glacier-upload", identity: identity)
        let header = TransferJournal.Header(kind: "glacier-upload", identity: identity, session: "upload-1",
                                            partSize: 1 << 20, totalSize: 10)
        let file = try TransferJournalFile(creating: url, header: header)
        try file.record(.init(part: 0, hash: "aa"))
        try file.record(.init(part: 2, hash: "cc"))
        let reloaded = try #require(TransferJournal.read(at: url))
        #expect(reloaded.header == header)
        #expect(reloaded.entries == [0: "aa", 2: "cc"])

        let again = try TransferJournalFile(appendingTo: url)
        try again.record(.init(part: 1, hash: "bb"))
        #expect(TransferJournal.read(at: url)?.entries == [0: "aa", 1: "bb", 2: "cc"])
        again.remove()
        #expect(TransferJournal.read(at: url) == nil)
    }

    @Test func aTornLastLineIsIgnored() throws {
        let directory = try Self.temporaryDirectory()
        let url = directory.appendingPathComponent("j.jsonl")
        let file = try TransferJournalFile(creating: url, header: .init(kind: "k", identity: [:], session: "s", partSize: 1, totalSize: nil))
        try file.record(.init(part: 0, hash: "aa"))
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"hash":"bb","pa"#.utf8))
        try handle.close()
        #expect(TransferJournal.read(at: url)?.entries == [0: "aa"])
    }

    @Test func theNameDependsOnTheIdentityOnly() {
        let a = TransferJournal.fileName(kind: "glacier-upload", identity: ["b": "2", "a": "1"])
        let b = TransferJournal.fileName(kind: "glacier-upload", identity: ["a": "1", "b": "2"])
        let c = TransferJournal.fileName(kind: "glacier-upload", identity: ["a": "1", "b": "3"])
        #expect(a == b && a != c)
        #expect(TransferJournalDirectory.standard(environment: ["XDG_STATE_HOME": "/state"]).url.path == "/state/tessera/transfers")
        #expect(TransferJournalDirectory.standard(environment: ["HOME": "/home/u"]).url.path == "/home/u/.local/state/tessera/transfers")
    }
}
