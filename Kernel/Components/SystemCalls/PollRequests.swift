// The two kinds of requests Polling.wait scans. poll(2) keeps its struct pollfd array as read
// from user memory (one word each: descriptor, wanted events, found events) and fills in each
// revents in place. select(2) keeps its three fd_set bitmaps and three result bitmaps in one
// array and walks the set bits, as Linux's do_select does: no per-descriptor list in between.

import FileSystem
import LinuxABI
import Process

/// poll's array of struct pollfd, one little-endian word each (LinuxABI `Pollfd(word:)`).
struct PollfdRequests: PollRequests {
    var words: [UInt64]

    mutating func scan(_ files: FileTable) -> Int {
        var ready = 0
        for index in words.indices {
            var request = Pollfd(word: words[index])
            if request.fd < 0 {
                request.revents = []  // a negative descriptor is skipped
            } else if let available = files.pollEvents(request.fd) {
                request.revents = available.intersection(request.events.union(.alwaysReported))
            } else {
                request.revents = .POLLNVAL
            }
            words[index] = request.word
            if !request.revents.isEmpty { ready += 1 }
        }
        return ready
    }

    func forEachDescriptor(_ body: (Int32) -> Void) {
        for word in words {
            let descriptor = Pollfd(word: word).fd
            if descriptor >= 0 { body(descriptor) }
        }
    }
}

/// select's readable, writable and exceptional fd_sets (`setWords` words each, bits at or above
/// nfds clear) followed by the three result sets, in one array.
struct SelectRequests: PollRequests {
    /// Which poll events make a descriptor count in each set (Linux's POLLIN_SET, POLLOUT_SET
    /// and POLLEX_SET in fs/select.c).
    static let interests: (read: PollEvents, write: PollEvents, except: PollEvents) = (
        [.POLLIN, .POLLRDNORM, .POLLRDBAND, .POLLHUP, .POLLERR],
        [.POLLOUT, .POLLWRNORM, .POLLWRBAND, .POLLERR],
        [.POLLPRI]
    )

    let setWords: Int
    /// Request sets at 0, 1 and 2 × setWords; result sets at 3, 4 and 5 × setWords.
    var sets: [UInt64]

    init(setWords: Int) {
        self.setWords = setWords
        sets = [UInt64](repeating: 0, count: 6 * setWords)
    }

    /// The first descriptor named in a request set that `isOpen` rejects.
    func firstClosedDescriptor(_ isOpen: (Int32) -> Bool) -> Int32? {
        var found: Int32?
        forEachDescriptor { descriptor in
            if found == nil && !isOpen(descriptor) { found = descriptor }
        }
        return found
    }

    /// Each set bit of the three request sets counts once per set its descriptor is ready for.
    mutating func scan(_ files: FileTable) -> Int {
        let interests = Self.interests
        var total = 0
        for word in 0..<setWords {
            let read = sets[word], write = sets[setWords + word], except = sets[2 * setWords + word]
            var readReady: UInt64 = 0, writeReady: UInt64 = 0, exceptReady: UInt64 = 0
            var named = read | write | except
            while named != 0 {
                let bit = named.trailingZeroBitCount
                named &= named &- 1
                // A descriptor closed while select sleeps is not ready (Linux skips it too).
                guard let found = files.pollEvents(Int32(word * 64 + bit)) else { continue }
                let mask: UInt64 = 1 << UInt64(bit)
                if read & mask != 0 && !found.isDisjoint(with: interests.read) { readReady |= mask; total += 1 }
                if write & mask != 0 && !found.isDisjoint(with: interests.write) { writeReady |= mask; total += 1 }
                if except & mask != 0 && !found.isDisjoint(with: interests.except) { exceptReady |= mask; total += 1 }
            }
            sets[3 * setWords + word] = readReady
            sets[4 * setWords + word] = writeReady
            sets[5 * setWords + word] = exceptReady
        }
        return total
    }

    func forEachDescriptor(_ body: (Int32) -> Void) {
        for word in 0..<setWords {
            var named = sets[word] | sets[setWords + word] | sets[2 * setWords + word]
            while named != 0 {
                body(Int32(word * 64 + named.trailingZeroBitCount))
                named &= named &- 1
            }
        }
    }
}
