/// Glacier response and request bodies, with the member names of botocore's model. Optional members
/// that are nil are left out (Glacier writes `null`; the SDKs read both the same).

public struct GlacierVaultDescription: Codable, Sendable, Equatable {
    public var VaultARN: String
    public var VaultName: String
    public var CreationDate: String
    public var LastInventoryDate: String?
    public var NumberOfArchives: Int64
    public var SizeInBytes: Int64

    public init(VaultARN: String, VaultName: String, CreationDate: String, LastInventoryDate: String?,
                NumberOfArchives: Int64, SizeInBytes: Int64) {
        self.VaultARN = VaultARN
        self.VaultName = VaultName
        self.CreationDate = CreationDate
        self.LastInventoryDate = LastInventoryDate
        self.NumberOfArchives = NumberOfArchives
        self.SizeInBytes = SizeInBytes
    }
}

public struct GlacierListVaultsOutput: Codable, Sendable {
    public var VaultList: [GlacierVaultDescription]
    public var Marker: String?
    public init(VaultList: [GlacierVaultDescription], Marker: String?) {
        self.VaultList = VaultList
        self.Marker = Marker
    }
}

public struct GlacierPartListElement: Codable, Sendable, Equatable {
    public var RangeInBytes: String
    public var SHA256TreeHash: String
    public init(RangeInBytes: String, SHA256TreeHash: String) {
        self.RangeInBytes = RangeInBytes
        self.SHA256TreeHash = SHA256TreeHash
    }
}

public struct GlacierListPartsOutput: Codable, Sendable {
    public var ArchiveDescription: String?
    public var CreationDate: String
    public var Marker: String?
    public var MultipartUploadId: String
    public var PartSizeInBytes: Int64
    public var Parts: [GlacierPartListElement]
    public var VaultARN: String
    public init(ArchiveDescription: String?, CreationDate: String, Marker: String?, MultipartUploadId: String,
                PartSizeInBytes: Int64, Parts: [GlacierPartListElement], VaultARN: String) {
        self.ArchiveDescription = ArchiveDescription
        self.CreationDate = CreationDate
        self.Marker = Marker
        self.MultipartUploadId = MultipartUploadId
        self.PartSizeInBytes = PartSizeInBytes
        self.Parts = Parts
        self.VaultARN = VaultARN
    }
}

public struct GlacierUploadListElement: Codable, Sendable {
    public var ArchiveDescription: String?
    public var CreationDate: String
    public var MultipartUploadId: String
    public var PartSizeInBytes: Int64
    public var VaultARN: String
    public init(ArchiveDescription: String?, CreationDate: String, MultipartUploadId: String, PartSizeInBytes: Int64, VaultARN: String) {
        self.ArchiveDescription = ArchiveDescription
        self.CreationDate = CreationDate
        self.MultipartUploadId = MultipartUploadId
        self.PartSizeInBytes = PartSizeInBytes
        self.VaultARN = VaultARN
    }
}

public struct GlacierListMultipartUploadsOutput: Codable, Sendable {
    public var UploadsList: [GlacierUploadListElement]
    public var Marker: String?
    public init(UploadsList: [GlacierUploadListElement], Marker: String?) {
        self.UploadsList = UploadsList
        self.Marker = Marker
    }
}

public struct GlacierInventoryRetrievalParameters: Codable, Sendable, Equatable {
    public var Format: String?
    public var StartDate: String?
    public var EndDate: String?
    public var Limit: String?
    public var Marker: String?
    public init(Format: String?, StartDate: String?, EndDate: String?, Limit: String?, Marker: String?) {
        self.Format = Format
        self.StartDate = StartDate
        self.EndDate = EndDate
        self.Limit = Limit
        self.Marker = Marker
    }
}

/// InitiateJob's body (`jobParameters`).
public struct GlacierJobParametersInput: Codable, Sendable {
    public var ArchiveId: String?
    public var Description: String?
    public var Format: String?
    public var RetrievalByteRange: String?
    public var SNSTopic: String?
    public var Tier: String?
    public var `Type`: String?
    public var InventoryRetrievalParameters: GlacierInventoryRetrievalParameters?

    public init(Type: String, ArchiveId: String? = nil, Description: String? = nil, Format: String? = nil,
                RetrievalByteRange: String? = nil, Tier: String? = nil) {
        self.Type = Type
        self.ArchiveId = ArchiveId
        self.Description = Description
        self.Format = Format
        self.RetrievalByteRange = RetrievalByteRange
        self.Tier = Tier
    }
}

public struct GlacierJobDescription: Codable, Sendable {
    public var JobId: String
    public var JobDescription: String?
    public var Action: String
    public var ArchiveId: String?
    public var VaultARN: String
    public var CreationDate: String
    public var Completed: Bool
    public var StatusCode: String
    public var StatusMessage: String?
    public var ArchiveSizeInBytes: Int64?
    public var InventorySizeInBytes: Int64?
    public var SNSTopic: String?
    public var CompletionDate: String?
    public var SHA256TreeHash: String?
    public var ArchiveSHA256TreeHash: String?
    public var RetrievalByteRange: String?
    public var Tier: String?
    public var InventoryRetrievalParameters: GlacierInventoryRetrievalParameters?

    public init(JobId: String, Action: String, VaultARN: String, CreationDate: String, Completed: Bool, StatusCode: String) {
        self.JobId = JobId
        self.Action = Action
        self.VaultARN = VaultARN
        self.CreationDate = CreationDate
        self.Completed = Completed
        self.StatusCode = StatusCode
    }
}

public struct GlacierListJobsOutput: Codable, Sendable {
    public var JobList: [GlacierJobDescription]
    public var Marker: String?
    public init(JobList: [GlacierJobDescription], Marker: String?) {
        self.JobList = JobList
        self.Marker = Marker
    }
}
