import Foundation
import Logging
import SQLKit
import Testing
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraStorage
import TesseraTestSupport

/// Transactions that arrive together commit together; one that throws after writing is undone alone.
struct SQLiteGroupCommitTests {
    struct Refused: Error {}

    @Test func concurrentTransactionsCommitExceptTheOnesThatThrow() async throws {
        try await TestData.withTemporaryDirectory { directory in
            let path = directory + "/group.sqlite"
            let sessions = try await SQLiteSessions(path: path, logger: Logger(label: "test"))
            try await sessions.transaction { db in try await db.raw("CREATE TABLE t (i BIGINT PRIMARY KEY)").run() }
            let refused = await withTaskGroup(of: Int?.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            try await sessions.transaction { db in
                                try await db.raw("INSERT INTO t (i) VALUES (\(bind: index))").run()
                                if index % 3 == 0 { throw Refused() }
                            }
                            return nil
                        } catch {
                            return error is Refused ? index : -1
                        }
                    }
                }
                return await group.reduce(into: [Int]()) { if let index = $1 { $0.append(index) } }
            }
            #expect(refused.sorted() == Array(stride(from: 0, to: 60, by: 3)), "exactly the transactions that threw report their own error")
            try await sessions.close()
            let reopened = try await SQLiteSessions(path: path, logger: Logger(label: "test"))
            let stored = try await reopened.read { db in
                try await db.raw("SELECT i FROM t ORDER BY i").all().map { try $0.decode(column: "i", as: Int.self) }
            }
            #expect(stored == (0..<60).filter { $0 % 3 != 0 }, "what threw was rolled back, everything else committed")
            try await reopened.close()
        }
    }
}
