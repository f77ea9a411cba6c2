/// The AWS services the client speaks: how each is named in endpoint variables, signed, and addressed.
public enum AWSService: String, Sendable, CaseIterable {
    case glacier
    case ebs
    case ec2
    case ecr
    case ecrPublic = "ecr-public"
    /// S3, as the object store under `tessera serve --blobs s3://…` (path-style requests).
    case s3
    /// Tessera's own operations (`/admin/…`), signed for the service name `tessera`.
    case tessera
    /// STS, for the credentials of a profile that assumes a role (AssumeRole).
    case sts
    /// The IAM Identity Center (SSO) portal, for the credentials of an SSO profile (GetRoleCredentials).
    case sso
    /// SSO OIDC, for renewing an SSO session's access token (CreateToken).
    case ssoOIDC = "sso-oidc"

    /// The name in SigV4 credential scopes.
    public var signingName: String {
        switch self {
        case .sso: "awsssoportal"
        case .ssoOIDC: "sso-oauth"
        default: rawValue
        }
    }

    /// The suffix of its `AWS_ENDPOINT_URL_<SERVICE>` variable: the service id upper-cased, spaces and
    /// dashes as underscores.
    public var endpointVariableSuffix: String {
        switch self {
        case .glacier: "GLACIER"
        case .ebs: "EBS"
        case .ec2: "EC2"
        case .ecr: "ECR"
        case .ecrPublic: "ECR_PUBLIC"
        case .s3: "S3"
        case .tessera: "TESSERA"
        case .sts: "STS"
        case .sso: "SSO"
        case .ssoOIDC: "SSO_OIDC"
        }
    }

    /// AWS's own endpoint in `region`.
    public func defaultEndpoint(region: String) -> String {
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        switch self {
        // STS's regional endpoint, which AWS recommends over the global sts.amazonaws.com.
        case .glacier, .ebs, .ec2, .s3, .sts: return "https://\(rawValue).\(region).\(domain)"
        case .ecr: return "https://api.ecr.\(region).\(domain)"
        // ECR Public has one endpoint, in us-east-1.
        case .ecrPublic: return "https://api.ecr-public.us-east-1.amazonaws.com"
        case .sso: return "https://portal.sso.\(region).\(domain)"
        case .ssoOIDC: return "https://oidc.\(region).\(domain)"
        // Not an AWS service: `tessera serve`'s default address.
        case .tessera: return "http://127.0.0.1:9000"
        }
    }
}
