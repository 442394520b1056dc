// Who holds an open file description as a user would say it: descriptors in file tables and
// descriptors in flight in SCM_RIGHTS messages. Kernel code may hold the object longer (a call in
// progress, an epoll registration), but Linux's rule for epoll (epoll(7) "Q6") is that a
// registration lives with the description and goes when the last descriptor referring to it is
// closed, however many kernel references remain — an epoll instance must not keep a closed pipe
// end open. So the file tables and in-flight messages count their references here, and the
// count reaching zero tells the close observers (the epoll registrations of this description).

import LinuxABI

/// Told when the last descriptor referring to an open file description is closed.
public protocol OpenFileCloseObserver: AnyObject {
    func lastDescriptorClosed(_ file: OpenFile)
}

extension OpenFile {
    /// A descriptor (or an in-flight message) now refers to this description.
    public func descriptorOpened() {
        descriptorReferences += 1
    }

    /// A descriptor that referred to this description is gone; the last one tells the observers.
    public func descriptorClosed() {
        guard descriptorReferences > 0 else { return }
        descriptorReferences -= 1
        guard descriptorReferences == 0, !closeObservers.isEmpty else { return }
        let observers = closeObservers
        closeObservers = []
        for observer in observers { observer.lastDescriptorClosed(self) }
    }

    /// Whether any descriptor or in-flight message refers to the description.
    public var isReferencedByDescriptors: Bool { descriptorReferences > 0 }

    public func addCloseObserver(_ observer: any OpenFileCloseObserver) {
        closeObservers.append(observer)
    }

    public func removeCloseObserver(_ observer: any OpenFileCloseObserver) {
        closeObservers.removeAll { $0 === observer }
    }
}
