import TesseraStorage

/// Resource tag rules (ECR API reference, `Tag`; the AWS tagging rules): keys of 1–128 characters that do
/// not start with `aws:`, values of 0–256 characters, at most `limit` tags on a resource.
enum RepositoryTagRules {
    static func check(_ tags: [RepositoryTag], limit: Int) throws(RegistryError) {
        guard tags.count <= limit else { throw .tooManyTags(limit: limit) }
        for tag in tags {
            guard (1...128).contains(tag.key.count) else { throw .invalidTag("Tag key '\(tag.key)' must be 1 to 128 characters long") }
            guard tag.value.count <= 256 else { throw .invalidTag("Tag value for key '\(tag.key)' must be at most 256 characters long") }
            guard !tag.key.lowercased().hasPrefix("aws:") else { throw .invalidTag("Tag keys must not begin with 'aws:': '\(tag.key)'") }
        }
        let keys = tags.map(\.key)
        guard Set(keys).count == keys.count else { throw .invalidTag("Tag keys must be unique") }
    }
}
