/// EBS direct API bodies, with the member names of botocore's model. Timestamps are epoch seconds.

public struct EBSTag: Codable, Sendable, Equatable {
    public var Key: String?
    public var Value: String?
    public init(Key: String?, Value: String?) {
        self.Key = Key
        self.Value = Value
    }
}

public struct EBSStartSnapshotInput: Codable, Sendable {
    public var VolumeSize: Int64?
    public var ParentSnapshotId: String?
    public var Tags: [EBSTag]?
    public var Description: String?
    public var ClientToken: String?
    public var Encrypted: Bool?
    public var KmsKeyArn: String?
    public var Timeout: Int64?

    /// An empty request; set the members that apply.
    public init() {}
}

public struct EBSStartSnapshotOutput: Codable, Sendable {
    public var BlockSize: Int64
    public var Description: String?
    public var KmsKeyArn: String?
    public var OwnerId: String
    public var ParentSnapshotId: String?
    public var SnapshotId: String
    public var SseType: String?
    public var StartTime: Double
    public var Status: String
    public var Tags: [EBSTag]?
    public var VolumeSize: Int64

    public init(BlockSize: Int64, Description: String?, KmsKeyArn: String?, OwnerId: String, ParentSnapshotId: String?,
                SnapshotId: String, SseType: String?, StartTime: Double, Status: String, Tags: [EBSTag]?, VolumeSize: Int64) {
        self.BlockSize = BlockSize
        self.Description = Description
        self.KmsKeyArn = KmsKeyArn
        self.OwnerId = OwnerId
        self.ParentSnapshotId = ParentSnapshotId
        self.SnapshotId = SnapshotId
        self.SseType = SseType
        self.StartTime = StartTime
        self.Status = Status
        self.Tags = Tags
        self.VolumeSize = VolumeSize
    }
}

public struct EBSBlock: Codable, Sendable, Equatable {
    public var BlockIndex: Int64
    public var BlockToken: String
    public init(BlockIndex: Int64, BlockToken: String) {
        self.BlockIndex = BlockIndex
        self.BlockToken = BlockToken
    }
}

public struct EBSListSnapshotBlocksOutput: Codable, Sendable {
    public var BlockSize: Int64
    public var Blocks: [EBSBlock]
    public var ExpiryTime: Double
    public var NextToken: String?
    public var VolumeSize: Int64
    public init(BlockSize: Int64, Blocks: [EBSBlock], ExpiryTime: Double, NextToken: String?, VolumeSize: Int64) {
        self.BlockSize = BlockSize
        self.Blocks = Blocks
        self.ExpiryTime = ExpiryTime
        self.NextToken = NextToken
        self.VolumeSize = VolumeSize
    }
}

public struct EBSChangedBlock: Codable, Sendable, Equatable {
    public var BlockIndex: Int64
    public var FirstBlockToken: String?
    public var SecondBlockToken: String?
    public init(BlockIndex: Int64, FirstBlockToken: String?, SecondBlockToken: String?) {
        self.BlockIndex = BlockIndex
        self.FirstBlockToken = FirstBlockToken
        self.SecondBlockToken = SecondBlockToken
    }
}

public struct EBSListChangedBlocksOutput: Codable, Sendable {
    public var BlockSize: Int64
    public var ChangedBlocks: [EBSChangedBlock]
    public var ExpiryTime: Double
    public var NextToken: String?
    public var VolumeSize: Int64
    public init(BlockSize: Int64, ChangedBlocks: [EBSChangedBlock], ExpiryTime: Double, NextToken: String?, VolumeSize: Int64) {
        self.BlockSize = BlockSize
        self.ChangedBlocks = ChangedBlocks
        self.ExpiryTime = ExpiryTime
        self.NextToken = NextToken
        self.VolumeSize = VolumeSize
    }
}

public struct EBSCompleteSnapshotOutput: Codable, Sendable {
    public var Status: String
    public init(Status: String) { self.Status = Status }
}
