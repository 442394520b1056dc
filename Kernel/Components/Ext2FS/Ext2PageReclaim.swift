// Reclaim of file pages when memory runs low. Before read(2)/write(2) brings pages of an ext2
// file into memory, the volume checks the free frames: below `lowFrames` it drops file pages
// until `targetFrames` are free again, as Linux's kswapd works between its watermarks. Clean
// pages go first (nothing to write); then files with dirty pages are written back and their
// pages dropped. The pages the current access needs are spared, and so are pinned files
// (mapped or executed: a mapping shares the frames) — Linux would unmap them, this page cache
// keeps them. In-memory file systems (ramfs, tmpfs) have no backing store and are never
// reclaimed. Reclaim reaches the files of the volume being accessed (its lock is held; taking
// another volume's lock here could deadlock against that volume's own reclaim).

import Block
import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI

extension Ext2Volume {
    /// Reclaim starts below this many free frames: 1/16 of memory above the kernel's reserve.
    static var lowFrames: Int { KernelMemory.reserveFrames + max(KernelMemory.totalFrames / 16, 256) }
    /// ...and stops once this many are free: 1/8 of memory above the reserve.
    static var targetFrames: Int { KernelMemory.reserveFrames + max(KernelMemory.totalFrames / 8, 512) }

    enum ReclaimPass: CaseIterable {
        /// Drop pages that need no write.
        case cleanPages
        /// Write back files with dirty pages, then drop.
        case afterWriteBack
    }

    /// Frees file pages if memory is low, sparing `pages` of `file` (the lock is held).
    func reclaimPages(sparing file: Ext2File, pages: Range<Int>) {
        guard KernelMemory.freeFrames < Self.lowFrames else { return }
        let isEnough = { KernelMemory.freeFrames >= Self.targetFrames }
        for pass in ReclaimPass.allCases {
            for inode in inodes.values {
                guard let candidate = inode as? Ext2File, candidate.isEvictable else { continue }
                if pass == .afterWriteBack {
                    guard !candidate.dirtyPages.isEmpty else { continue }
                    do throws(Errno) { try candidate.writeBackPages() } catch {
                        Log.warn("\(device.name): ext2: inode \(candidate.number): write-back to free memory failed (\(error.name))")
                    }
                }
                _ = candidate.evictCleanPages(sparing: candidate === file ? pages : 0..<0, until: isEnough)
                if isEnough() { return }
            }
        }
    }
}
