import LabelingService

// The image probe belongs to sample intake (`LabelingService`), which the API and the importer
// share; these names keep `DatasetInterchange`'s users compiling.

/// ``LabelingService/ImageProbe``, the probe of sample intake.
public typealias ImageProbe = LabelingService.ImageProbe
/// ``LabelingService/ImageInfo``.
public typealias ImageInfo = LabelingService.ImageInfo
