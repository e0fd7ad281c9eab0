// RUN: xfc-opt %s --split-input-file --xf-cpu-quantized-matmul | FileCheck %s

// An int4 weight, K = 32 in one group, 8 outputs, for the avx2 kernel of
// 4 rows by 16 columns: the bytes are repacked into one tile (16 columns,
// 8 of them padding) of 4 steps of 8 values of K, two 32-byte lane vectors
// each (16-bit lanes of four 4-bit values, split by shifts); scales and
// scaled zero points per tile column. The activations are quantized per row
// and group, the tile loop is parallel, and the stores of the last tile are
// masked at N.
// CHECK-LABEL: func.func @int4_avx2
// CHECK-DAG: %[[BYTES:.+]] = arith.constant dense_resource<{{.*}}.tiles> : tensor<1x1x4x2x32xi8>
// CHECK-DAG: %[[SCALES:.+]] = arith.constant dense_resource<{{.*}}.scales> : tensor<1x1x16xf32>
// CHECK-DAG: %[[ZEROS:.+]] = arith.constant dense_resource<{{.*}}.zeros> : tensor<1x1x16xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x1x32xf32>)
// CHECK: math.absf
// CHECK: math.roundeven
// CHECK: arith.fptosi {{.*}} to i16
// CHECK: scf.for
// CHECK: vector.transfer_read %[[BYTES]]{{.*}} : tensor<1x1x4x2x32xi8>, vector<32xi8>
// CHECK: vector.bitcast {{.*}} : vector<32xi8> to vector<16xi16>
// CHECK: arith.shrui
// CHECK: arith.andi
// CHECK: vector.transfer_read {{.*}} : tensor<?x1x32xi16>, vector<2xi16>
// CHECK: vector.bitcast {{.*}} : vector<2xi16> to vector<1xi32>
// CHECK: xf.multiply_add_pairs {{.*}} {intrinsic = "llvm.x86.avx2.pmadd.wd"} : vector<16xi16> -> vector<8xi32>
// CHECK: vector.transfer_read %[[SCALES]]
// CHECK: vector.transfer_read %[[ZEROS]]
// CHECK: vector.fma
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : vector<8xf32>, tensor<?x8xf32>
// CHECK: } {xf.parallel}
// CHECK-NOT: xf.quantized_weight
// CHECK-NOT: xf.matmul
func.func @int4_avx2(%x: tensor<?x32xf32>) -> tensor<?x8xf32> {
  %p = xf.constant dense<"0x7942BDF22106F0847762F0F3CB4D764DC7072051159A0F89F2C6DACAE344BB311245FD6F84DF9AD7C5B3D076AC0E8F53A7356C88913F20F6F72DB022D24D0A96DAD43C1617C1A98E78129E0327371065D095864F15ADA0B846C1C0EBC5348ADC799ADF849BAD05D4A10AC0441EAAEEB4B48EFA0B1F0ABD80E998A35ABA5EA0BD"> : tensor<8x16xui8>
  %s = xf.constant dense<0.25> : tensor<8x1xf32>
  %z = xf.constant dense<8> : tensor<8x1xui8>
  %w = xf.quantized_weight %p, %s, %z {bits = 4 : i64, group_size = 32 : i64, k = 32 : i64, xf.kernel_config = #xf.kernel_config<avx2, tile = [4, 16]>} : (tensor<8x16xui8>, tensor<8x1xf32>, tensor<8x1xui8>) -> tensor<32x8xf32>
  %y = xf.matmul %x, %w : (tensor<?x32xf32>, tensor<32x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Signed 8-bit values with one scale per output channel and K = 300: bytes
// stay signed (sign-extended to their lanes, no zero point), the
// kernel closes its sums every 128 values (K padded to 384 with zeros), and
// without an x86 extension names no intrinsic for its pairs. The
// dense layer's bias and activation stay after the product.
// CHECK-LABEL: func.func @int8_channel_vector
// CHECK-DAG: arith.constant dense_resource<{{.*}}.tiles> : tensor<1x3x64x2x16xi8>
// CHECK: linalg.fill
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [%{{.*}}, 300] [1, 1] : tensor<?x300xf32> into tensor<?x384xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<?x3x128xf32>
// CHECK-NOT: intrinsic
// CHECK: arith.extsi {{.*}} : vector<16xi8> to vector<16xi16>
// CHECK: xf.multiply_add_pairs {{.*}} : vector<16xi16> -> vector<8xi32>
// CHECK: tensor.expand_shape {{.*}} : tensor<?x5xf32> into tensor<2x?x5xf32>
// CHECK: xf.add
// CHECK: xf.relu
func.func @int8_channel_vector(%x: tensor<2x?x300xf32>) -> tensor<2x?x5xf32> {
  %p = xf.constant dense<"0x8799C1350D439E71897AA75FDE3134A4AA72E05628AC6FE68A733D1161A15D8EAE2BB042D7958AEDB1D594D6D112D34F6602F4DE7110E993AE7422923D7D171165DC1906F63D57997A0AD31B3AAE4081F41FB471653E3D577A8C4103F9CC198A7F89D81AF2A5001C40173F1923F7102CFAA150A124B3C5C79BB88761A8DB3F4101C2285B15BFEBC216DC1BBEFEA1D7D6EB097D6F8A24D972DA420EA6BF863EED3FC037A33402F24978C7162F32C05B0CAE3E0D3AF691992D127A36331FA65C277B5C7FE8C981BCCBB3D62AC078D352D4F74FCD4C5331FEF7E25F4588654BA17697D3886F9D0B89F5C36658B87AA4F749D6F569EF0EF625CC17EF7578236F827B6184465F12825617A05DD82E2B3C2F879512B6E7AC030FABA9DFC2F8276BFAC840A33D8C27DD39E08031BFBCE6978736AD3AFCB41E965D4C5BBDE83F3748A9D7995FEAF69F5A23365CC8B733888AC41B4515F58A7EB5AACEE523B4FE394D8A3339395E60D5C8414ACB63575B6780BD960FE3D0C4A19EFE99F70F61013777FB58EB65636C12E339914E45EF2D190DB87727FF09ADA5A8B044291128AF692066DF71F8A13715D1276652C8FEF222D86AFA9B0BEDEACDE05CE91383BBBDE5B9CD72016B84BD49EB63516B0B57CE560E473856E2FB5E1E0BCEE5A2D0101A7ACE14CBFC0D707B30C7F26154AA3BB13F1A948CEE99FA7F880FACB0A22F1DDE2D01350F2E095712F61B60A966F4AEF5B311C39CC92C965ED33AC7ABCE59C5B75EB9D4E075E3F6B08956C6F9154E570BEF2F31A3791C18E6EEAABD002463CC35AD9F38E6296B7B184E49053975936A70D6A360EF5A2815390C3366822B37EECC7237F8B1CEE43895E3C2693B03ED9927AEB162F824BAD8226D7FB31FAB78DCE02B806FA554696FEDD6BC61D1F7D0F01195095E310E4D961FF114636A8DFBDD13B0EF64934934E399D2E327694EF991C0BE52DC9FEDF271B893920FEDBFB7987C0507434C0A54190068EEB5B911FA5E7A068DDDAD1A30E69F867EFFD685AD160FDB13547E45D3AC448F08561708F81EEBEFD4BD57965D254734D0B4E3E88E82E7904FA14713D2F876EA8B0FA23BF9408F8934DE26BE11F9E5639FB15CC4CBA1198A6D13A2A2C8901243D580D328FD7566283A3F029023DC89F7EC8994185978F956494C5BEFCB0448C81B5C5A9F61424B184D6DC336DDC75D0D8F35433A4A9740C4B4276203BD48F47D20B5F835A0F20AB0E2D0ED9CE24CE9C466975B9955A28867421B1DD15B3A07503ECEBF8C2FEDE1A64A6FA5E9BFA2B7B0AE92988A5D3F71AE7F90DE88E742F4AB5AE21A23D5D9951E79C3C46C26BB6D1CFC3CDCC7B90699BEBDCCE0BE35FD4AA57000BD200047296BA4DE90640F0EA0E3BA6DE1AD3DC173F3479D92613C582BDC0EB3C303FA5EF28C47C768DD98DF92312A20E2A42104A6F5D830A9D673A567C82D1A0D7A2B5C76F0CA91B0E9746798AF44BAB5A168E41EDD9F63FC6E5E35E93DCB6CA15F13A7FF7EC41D79CDBBC7725A9180B0861BAE386A709BE258567DF76B6EBA7659C9D95A9AE2BF1C28EAFA095A89D6FD71C7F8B1CFF75B3AD6AD49A437B24B98F44DE4BFFC15B1672F9B93A5D29505D8B3D8F5BD5C7F9760C538A552A3F858C9EE64D1BB361CF66754553D333CC6A1CB8C21F58DA075853C6C38F4BEDE4B86BD5F8766727E84B1AF3632452A73EAAA3AA7485415FB8944BEE1DBDADC83978BC64E171057DC006C436ABE8316B7673C516F25F8DB934C3BAC5284462C284630032AC8E9E2865A012390D4570310ACA7B934166CC605E3A772E1E77902B06E7550D4C831CAA13A7C94310CCF0DAD7264E887C36BDA9D205BE733914BE0409D5673BB973E25FF22F57ED40A050BF2021DF50618B0979CF1FB999C439E2DCF163A62792A51C847542A9A03FD22B9FF2BD7AAC8DEEEAF0EA59CF684F28369B73186F5D7F467AC1D7A18CD7BC55CA3325BE782DCD7AEC1DC14BAC9BAC88B704674640FD335CDF4F4C1DD66F2CA1D520B633146CA3B3E356D9641D8DE4A506ED8FEA1E20E8209AFA2C56D3E90652B69C77C71AA752FAA9B6E6ACB00987A4A8E2480B068944FB06E663BE8DA801CCA879366E6689FB22D36"> : tensor<5x300xi8>
  %s = xf.constant dense<[[0.5], [0.25], [0.125], [1.0], [2.0]]> : tensor<5x1xf32>
  %b = xf.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<5xf32>
  %w = xf.quantized_weight %p, %s {bits = 8 : i64, group_size = 300 : i64, k = 300 : i64, is_signed = true, xf.kernel_config = #xf.kernel_config<vector, tile = [4, 16]>} : (tensor<5x300xi8>, tensor<5x1xf32>) -> tensor<300x5xf32>
  %y = xf.linear %x, %w, %b {activation = #xf<activation relu>} : (tensor<2x?x300xf32>, tensor<300x5xf32>, tensor<5xf32>) -> tensor<2x?x5xf32>
  return %y : tensor<2x?x5xf32>
}

// -----

// Without a configuration, or with groups whose sums the kernel cannot
// close (10 values, not a multiple of the 8 a step takes), the product stays for the
// element-wise lowering.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.for
// CHECK: xf.quantized_weight
// CHECK: xf.matmul
// CHECK: xf.quantized_weight
// CHECK: xf.matmul
func.func @left_alone(%x: tensor<?x20xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %p = xf.constant dense<"0x0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"> : tensor<4x10xui8>
  %s = xf.constant dense<0.5> : tensor<4x2xf32>
  %w = xf.quantized_weight %p, %s {bits = 4 : i64, group_size = 10 : i64, k = 20 : i64} : (tensor<4x10xui8>, tensor<4x2xf32>) -> tensor<20x4xf32>
  %y = xf.matmul %x, %w : (tensor<?x20xf32>, tensor<20x4xf32>) -> tensor<?x4xf32>
  %v = xf.quantized_weight %p, %s {bits = 4 : i64, group_size = 10 : i64, k = 20 : i64, xf.kernel_config = #xf.kernel_config<avx2, tile = [4, 16]>} : (tensor<4x10xui8>, tensor<4x2xf32>) -> tensor<20x4xf32>
  %u = xf.matmul %x, %v : (tensor<?x20xf32>, tensor<20x4xf32>) -> tensor<?x4xf32>
  return %y, %u : tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

// K left dynamic by shape inference: the left operand is cast to the
// weight's K.
// CHECK-LABEL: func.func @dynamic_k
// CHECK: tensor.cast %{{.*}} : tensor<?x?xf32> to tensor<?x32xf32>
// CHECK: xf.multiply_add_pairs
func.func @dynamic_k(%x: tensor<?x?xf32>) -> tensor<?x8xf32> {
  %p = xf.constant dense<"0x7942BDF22106F0847762F0F3CB4D764DC7072051159A0F89F2C6DACAE344BB311245FD6F84DF9AD7C5B3D076AC0E8F53A7356C88913F20F6F72DB022D24D0A96DAD43C1617C1A98E78129E0327371065D095864F15ADA0B846C1C0EBC5348ADC799ADF849BAD05D4A10AC0441EAAEEB4B48EFA0B1F0ABD80E998A35ABA5EA0BD"> : tensor<8x16xui8>
  %s = xf.constant dense<0.25> : tensor<8x1xf32>
  %w = xf.quantized_weight %p, %s {bits = 4 : i64, group_size = 32 : i64, k = 32 : i64, xf.kernel_config = #xf.kernel_config<avx2, tile = [4, 16]>} : (tensor<8x16xui8>, tensor<8x1xf32>) -> tensor<32x8xf32>
  %y = xf.matmul %x, %w : (tensor<?x?xf32>, tensor<32x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// The left operand dequantized from 8-bit integers with one scale (the
// activation of a dynamically quantized model): its integers are taken
// back exactly as round(x / s), one scale for every row and group, instead
// of being quantized again per row; a static batch goes through the kernel
// as a run-time row count.
// CHECK-LABEL: func.func @dequantized_input
// CHECK: %[[X:.+]] = xf.dequantize_linear %arg0, %arg1, %arg2
// CHECK-NOT: math.absf
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %arg1 : tensor<?x1x32xf32>, tensor<f32>)
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptosi {{.*}} to i16
// CHECK: xf.multiply_add_pairs
// CHECK: tensor.cast {{.*}} : tensor<?x8xf32> to tensor<6x8xf32>
// CHECK: tensor.expand_shape {{.*}} : tensor<6x8xf32> into tensor<2x3x8xf32>
func.func @dequantized_input(%a: tensor<2x3x32xui8>, %sa: tensor<f32>, %za: tensor<ui8>) -> tensor<2x3x8xf32> {
  %x = xf.dequantize_linear %a, %sa, %za : (tensor<2x3x32xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3x32xf32>
  %p = xf.constant dense<"0xABCE05CE7883A149FA0D47629268210B000C26FF30A7C03C486F43F92DE5CCD81D64A07EAAADA90FF58EE7455CE12F105FAD1FDE573A8BE5E2DF4E04C7B5C5000980556FEE3487534BCE27511E2647B294722BCCCC3C0F5125CC85814A81F73CC40350EEDF15D7D8745EFAF3AD6635EF448EAC3D50BD32ACF1AFA576F7385BA4A71B29B1D7A2EE6054CC0A31316328CCD86107B61B9C2BF0ADFD9DB960CF1C275CB67CD8F1666C8DA57A9AF5BB516C662600CA6B5AA190EF9DEC945352FD9630D4D20228B167571230DBD5D492235286FE428C7D808DB41BFBDDC44770724F0EBE00C331A4573CED79E3307B587403AA58DB36560BCB8866EA98F6BC958033B0"> : tensor<8x32xi8>
  %s = xf.constant dense<0.25> : tensor<8x1xf32>
  %w = xf.quantized_weight %p, %s {bits = 8 : i64, group_size = 32 : i64, k = 32 : i64, is_signed = true, xf.kernel_config = #xf.kernel_config<avx2, tile = [4, 16]>} : (tensor<8x32xi8>, tensor<8x1xf32>) -> tensor<32x8xf32>
  %y = xf.matmul %x, %w : (tensor<2x3x32xf32>, tensor<32x8xf32>) -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}
