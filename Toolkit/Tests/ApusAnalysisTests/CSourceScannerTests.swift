// The C/assembly lexer: comments versus code, inline assembly sites, declared type names.
import ApusAnalysis
import Testing

@Suite("C source scanner")
struct CSourceScannerTests {
    @Test func stringsAndCommentsAreNotCode() {
        let scan = CSourceScan(text: """
            /* __asm__("not code") */
            // asm("nor this")
            static const char *s = "__asm__ inside a string";

            static inline void f(void) { __asm__ volatile("nop"); }
            """, dialect: .c)
        #expect(scan.lines.codeLineCount == 2)
        #expect(scan.lines.lineCount == 5)
        #expect(scan.inlineAssemblySites.map(\.line) == [5])
        #expect(scan.inlineAssemblySites.map(\.column) == [30])
    }

    @Test func assemblyHashCommentsAreNotCodeButDirectivesAre() {
        let scan = CSourceScan(text: """
            #include "layout.h"
            # comment
            #define STACK 4096
                mov $STACK, %rsp   # trailing comment
            #if 0
            #endif
            """, dialect: .assembly)
        #expect(scan.lines.codeLineCount == 5)
        #expect(scan.lines.isCommentOnly(2))
    }

    @Test func declaredTypeNamesComeFromStructsAndTypedefs() {
        let scan = CSourceScan(text: """
            struct gdt_pointer { unsigned short limit; unsigned long base; } __attribute__((packed));
            typedef struct { unsigned long rip; unsigned long flags[4]; } trap_frame_t;
            typedef void (*irq_handler_t)(int vector);
            typedef unsigned long physaddr_t;
            enum cpu_mode { CPU_REAL, CPU_LONG };
            #define NOT_A_TYPE struct macro_only
            static inline void f(struct gdt_pointer *p) {}
            """, dialect: .c)
        #expect(scan.declaredTypeNames == ["gdt_pointer", "trap_frame_t", "irq_handler_t", "physaddr_t", "cpu_mode"])
    }

    @Test func asmInAMacroIsAnchoredToTheDirective() throws {
        let scan = CSourceScan(text: """
            // SAFETY: a compiler barrier orders nothing but the compiler.
            #define barrier() \\
                __asm__ volatile("" ::: "memory")
            """, dialect: .c)
        let site = try #require(scan.inlineAssemblySites.first)
        #expect(site.line == 3)
        #expect(site.declarationLine == 2)
        #expect(site.isJustified)
    }
}
