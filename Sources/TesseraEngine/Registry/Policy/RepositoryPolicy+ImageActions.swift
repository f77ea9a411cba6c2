import Foundation

/// The registry actions an image pull and an image push call, for granting or checking them together.
extension RepositoryPolicy {
    /// What pulling an image needs: `ecr:BatchGetImage` (the manifest), `ecr:GetDownloadUrlForLayer`
    /// (the layers) and `ecr:BatchCheckLayerAvailability`.
    /// Source: "Amazon ECR Repository Policy Examples", "Example: Allow All AWS Accounts To Pull
    /// Images" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/RepositoryPolicyExamples.html);
    /// the current "Private repository policy examples in Amazon ECR" grants pulls with the first two.
    public static let pullActions = [
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
    ]

    /// What pushing an image needs: `ecr:PutImage`, `ecr:InitiateLayerUpload`,
    /// `ecr:UploadLayerPart`, `ecr:CompleteLayerUpload` and `ecr:BatchCheckLayerAvailability`.
    /// Source: "Private repository policy examples in Amazon ECR", "Example: Allow another account"
    /// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html); the
    /// identity-policy page "IAM permissions for pushing an image to an Amazon ECR private
    /// repository" also lists `ecr:BatchGetImage`.
    public static let pushActions = [
        "ecr:PutImage",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:BatchCheckLayerAvailability",
    ]
}
