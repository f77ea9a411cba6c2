import Foundation

/// InitiateJob's `jobParameters`, as the client sent them (decoded by the front door, checked here).
public struct GlacierJobParameters: Sendable, Equatable {
    public var type: String?
    public var archiveID: String?
    public var description: String?
    public var snsTopic: String?
    public var tier: String?
    public var format: String?
    public var retrievalByteRange: String?
    public var inventoryStartDate: String?
    public var inventoryEndDate: String?
    public var inventoryLimit: String?
    public var inventoryMarker: String?

    public init(type: String? = nil, archiveID: String? = nil, description: String? = nil, snsTopic: String? = nil,
                tier: String? = nil, format: String? = nil, retrievalByteRange: String? = nil,
                inventoryStartDate: String? = nil, inventoryEndDate: String? = nil, inventoryLimit: String? = nil,
                inventoryMarker: String? = nil) {
        self.type = type
        self.archiveID = archiveID
        self.description = description
        self.snsTopic = snsTopic
        self.tier = tier
        self.format = format
        self.retrievalByteRange = retrievalByteRange
        self.inventoryStartDate = inventoryStartDate
        self.inventoryEndDate = inventoryEndDate
        self.inventoryLimit = inventoryLimit
        self.inventoryMarker = inventoryMarker
    }
}

/// The inventory filter a job was started with, kept with the job so DescribeJob can echo it.
public struct InventoryParameters: Codable, Sendable, Equatable {
    public var Format: String
    public var StartDate: String?
    public var EndDate: String?
    public var Limit: String?
    public var Marker: String?
}
