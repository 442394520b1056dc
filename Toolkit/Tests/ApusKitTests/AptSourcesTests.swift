// Reading the Debian archive from apt's sources: both formats, options, disabled stanzas, and
// the choice of the archive that holds a whole release.
import Testing
@testable import ApusKit

@Test func oneLineSourcesKeepBinaryEntriesAndSkipOptions() {
    let text = """
        # a comment
        deb-src http://archive.example/debian bookworm main
        deb [arch=amd64 signed-by=/k.gpg] http://archive.example/debian bookworm main contrib # trailing
        deb [ trusted=yes ] http://security.example/debian-security bookworm-security main
        deb http://short.example
        """
    #expect(AptSources.entries(oneLineFormat: text) == [
        .init(uri: "http://archive.example/debian", suites: ["bookworm"]),
        .init(uri: "http://security.example/debian-security", suites: ["bookworm-security"]),
    ])
}

@Test func deb822SourcesReadEveryStanzaThatIsEnabled() {
    let text = """
        Types: deb deb-src
        # http://old.example/ in a comment
        URIs: http://archive.example/debian
        Suites: bookworm bookworm-updates
        Components: main

        types: deb
        uris: http://off.example/debian
        suites: bookworm
        enabled: no

        Types: deb
        URIs: http://security.example/debian-security
          http://mirror.example/debian-security
        Suites: bookworm-security
        """
    #expect(AptSources.entries(deb822Format: text) == [
        .init(uri: "http://archive.example/debian", suites: ["bookworm", "bookworm-updates"]),
        .init(uri: "http://security.example/debian-security", suites: ["bookworm-security"]),
        .init(uri: "http://mirror.example/debian-security", suites: ["bookworm-security"]),
    ])
}

@Test func theArchiveIsTheOneWithTheWholeRelease() {
    let entries: [AptSources.Entry] = [
        .init(uri: "http://security.example/debian-security", suites: ["trixie-security"]),
        .init(uri: "http://archive.example/debian", suites: ["trixie", "trixie-updates"]),
    ]
    #expect(AptSources.archive(for: "trixie", in: entries) == "http://archive.example/debian")
    #expect(AptSources.archive(for: "bookworm", in: entries) == "http://archive.example/debian", "another release from the same archive")
    #expect(AptSources.archive(for: "bookworm", in: [entries[0]]) == nil)
}
