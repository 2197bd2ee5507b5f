import Foundation

/// Small valid files that fuzzed inputs may name (an image and its Pascal VOC annotation).
public enum SmallFiles {
    /// A 2 × 2 grey PNG.
    public static let png = Data(base64Encoded:
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4nGNgaGBo+A8ABAUCAFfUMz8AAAAASUVORK5CYII=")!

    /// A detection annotation of `a.png` with one box.
    public static let voc = Data("""
        <annotation><filename>a.png</filename><size><width>2</width><height>2</height><depth>1</depth></size>\
        <object><name>cat</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>\
        </annotation>
        """.utf8)
}
