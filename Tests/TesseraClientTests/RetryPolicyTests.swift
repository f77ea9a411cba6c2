import Testing
import TesseraClient

/// Retries under an injected clock and dice: how many attempts, which errors, how long each wait.
struct RetryPolicyTests {
    struct Flaky: Error { let retryable: Bool }

    final class Recorder: @unchecked Sendable {
        var sleeps: [Duration] = []
        var attempts = 0
    }

    @Test func retriesUpToMaxAttemptsWithCappedExponentialFullJitter() async {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300))
        let recorder = Recorder()
        await #expect(throws: Flaky.self) {
            try await policy.run(isRetryable: { ($0 as? Flaky)?.retryable ?? false },
                                 sleep: { recorder.sleeps.append($0) }, random: { 0.5 }) { _ -> Int in
                recorder.attempts += 1
                throw Flaky(retryable: true)
            }
        }
        #expect(recorder.attempts == 5)
        #expect(recorder.sleeps == [.milliseconds(50), .milliseconds(100), .milliseconds(150), .milliseconds(150)])
    }

    @Test func stopsAtAnErrorThatIsNotRetryable() async {
        let recorder = Recorder()
        await #expect(throws: Flaky.self) {
            try await RetryPolicy().run(isRetryable: { ($0 as? Flaky)?.retryable ?? false },
                                        sleep: { recorder.sleeps.append($0) }) { _ -> Int in
                recorder.attempts += 1
                throw Flaky(retryable: false)
            }
        }
        #expect(recorder.attempts == 1)
        #expect(recorder.sleeps.isEmpty)
    }

    @Test func returnsTheFirstSuccess() async throws {
        let recorder = Recorder()
        let value = try await RetryPolicy().run(isRetryable: { _ in true }, sleep: { recorder.sleeps.append($0) },
                                                random: { 0.99 }) { attempt -> Int in
            recorder.attempts += 1
            if attempt < 3 { throw Flaky(retryable: true) }
            return attempt
        }
        #expect(value == 3)
        #expect(recorder.sleeps.count == 2)
        #expect(recorder.sleeps[1] > recorder.sleeps[0])
    }

    @Test func classifiesServiceAnswers() {
        #expect(AWSServiceError(status: 400, code: "ThrottlingException", message: "").isRetryable)
        #expect(AWSServiceError(status: 503, code: "ServiceUnavailableException", message: "").isRetryable)
        #expect(AWSServiceError(status: 500, code: "Anything", message: "").isRetryable)
        #expect(!AWSServiceError(status: 400, code: "InvalidParameterValueException", message: "").isRetryable)
        #expect(!AWSServiceError(status: 404, code: "ResourceNotFoundException", message: "").isRetryable)
    }

    @Test func readsEachErrorFormat() {
        let glacier = AWSServiceError(status: 404, headers: [], body: Array(#"{"code":"ResourceNotFoundException","message":"Vault not found","type":"Client"}"#.utf8))
        #expect(glacier.code == "ResourceNotFoundException" && glacier.message == "Vault not found")
        let restJSON = AWSServiceError(status: 400, headers: [("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/")],
                                       body: Array(#"{"Message":"bad block"}"#.utf8))
        #expect(restJSON.code == "ValidationException" && restJSON.message == "bad block")
        let json11 = AWSServiceError(status: 400, headers: [], body: Array(#"{"__type":"com.amazonaws.ecr#RepositoryNotFoundException","message":"m"}"#.utf8))
        #expect(json11.code == "RepositoryNotFoundException")
        let xml = AWSServiceError(status: 400, headers: [], body: Array("<Response><Errors><Error><Code>InvalidSnapshot.NotFound</Code><Message>gone</Message></Error></Errors></Response>".utf8))
        #expect(xml.code == "InvalidSnapshot.NotFound" && xml.message == "gone")
        let empty = AWSServiceError(status: 502, headers: [], body: [])
        #expect(empty.code == "HTTP502")
    }
}
