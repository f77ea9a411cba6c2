import Foundation
import Testing
import TesseraClient

/// Public image references read as docker reads them, and Bearer challenges as registries write them.
struct PublicImageLocationTests {
    @Test(arguments: [
        ("public.ecr.aws/docker/library/redis", "https://public.ecr.aws", "docker/library/redis"),
        ("docker/library/redis", "https://public.ecr.aws", "docker/library/redis"),
        ("127.0.0.1:9001/r123456789012/app", "http://127.0.0.1:9001", "r123456789012/app"),
        ("localhost:5000/a/b", "http://localhost:5000", "a/b"),
        ("localhost/a", "http://localhost", "a"),
        ("[::1]:5000/a/b", "http://[::1]:5000", "a/b"),
        ("registry.example.com:443/a/b", "https://registry.example.com:443", "a/b"),
        ("alias/app", "https://public.ecr.aws", "alias/app"),
    ])
    func splitsTheHostFromTheName(reference: String, registry: String, name: String) throws {
        let split = try #require(PublicImageLocation.split(reference))
        #expect(split.registry.absoluteString == registry)
        #expect(split.name == name)
    }

    @Test func aHostWithoutANameIsNoReference() {
        #expect(PublicImageLocation.split("127.0.0.1:9001/") == nil)
    }

    @Test func readsBearerChallenges() throws {
        let parameters = try #require(OCIRegistryClient.bearerParameters(
            #"Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws""#))
        #expect(parameters == ["realm": "https://public.ecr.aws/token/", "service": "public.ecr.aws", "scope": "aws"])
        let unquoted = try #require(OCIRegistryClient.bearerParameters("bearer realm=http://h:1/token, service=h:1"))
        #expect(unquoted == ["realm": "http://h:1/token", "service": "h:1"])
        #expect(OCIRegistryClient.bearerParameters(#"Basic realm="x""#) == nil)
    }
}
