// The initial RAM disk booted by `apus run`. User mode arrives in a later step; until then the
// kernel boots without one.

import Foundation

public enum InitialRamDisk {
    public static func defaultImage(project: Project) throws -> URL? { nil }
}
